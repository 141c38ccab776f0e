
namespace MiniMax.Emulator.Contract;

public sealed record T2aRequest(
    string? Model,
    string? Text,
    bool? Stream,
    VoiceSetting? VoiceSetting,
    AudioSetting? AudioSetting,
    string? OutputFormat);

public sealed record VoiceSetting(string? VoiceId, double? Speed, double? Vol, int? Pitch, string? Emotion);

public sealed record AudioSetting(int? SampleRate, int? Bitrate, string? Format, int? Channel);

public sealed record T2aResponse(T2aData Data, T2aExtraInfo ExtraInfo, string TraceId, BaseResp BaseResp);

/// <summary><c>status</c> 2 means the audio is complete (1 would be a streamed chunk).</summary>
public sealed record T2aData(string Audio, int Status);

public sealed record T2aExtraInfo(
    long AudioLength,
    int AudioSampleRate,
    long AudioSize,
    int Bitrate,
    int WordCount,
    int UsageCharacters,
    string AudioFormat,
    int AudioChannel);

public sealed record GetVoiceRequest(string? VoiceType);

public sealed record GetVoiceResponse(
    IReadOnlyList<SystemVoice> SystemVoice,
    IReadOnlyList<ClonedVoice> VoiceCloning,
    BaseResp BaseResp);

public sealed record SystemVoice(string VoiceId, string VoiceName, IReadOnlyList<string> Description);

public sealed record ClonedVoice(string VoiceId, IReadOnlyList<string> Description, string CreatedTime);

public sealed record VoiceCloneRequest(
    long? FileId,
    string? VoiceId,
    string? Text,
    string? Model,
    bool? NeedNoiseReduction,
    bool? NeedVolumeNormalization);

public sealed record VoiceCloneResponse(string DemoAudio, BaseResp BaseResp);
