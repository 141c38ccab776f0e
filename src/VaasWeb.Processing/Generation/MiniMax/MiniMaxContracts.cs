using System.Text.Json;
using System.Text.Json.Serialization;

namespace VaasWeb.Processing.Generation.MiniMax;

// The wire shapes of docs/minimax-api.md, serialized snake_case. Only what VaasWeb reads is declared.

public sealed record BaseResponse(int StatusCode, string? StatusMsg);

public sealed record VideoGenerationRequest(
    string Model,
    string? Prompt,
    bool PromptOptimizer,
    string? FirstFrameImage,
    int Duration,
    string Resolution,
    string? CallbackUrl = null);

internal sealed record VideoGenerationResponse(string? TaskId, BaseResponse? BaseResp);

/// <summary>A status answer; MiniMax's status callbacks have the same shape.</summary>
public sealed record VideoQueryResponse(
    string? TaskId,
    string? Status,
    [property: JsonConverter(typeof(StringOrNumberConverter))] string? FileId,
    int? VideoWidth,
    int? VideoHeight,
    BaseResponse? BaseResp);

internal sealed record FileRetrieveResponse(MiniMaxFileObject? File, BaseResponse? BaseResp);

internal sealed record MiniMaxFileObject(
    [property: JsonConverter(typeof(StringOrNumberConverter))] string? FileId,
    long Bytes,
    long CreatedAt,
    string? Filename,
    string? Purpose,
    string? DownloadUrl);

public sealed record VoiceSetting(string VoiceId, double Speed = 1, double Vol = 1, int Pitch = 0);

public sealed record AudioSetting(int SampleRate = 32000, int Bitrate = 128000, string Format = "mp3", int Channel = 1);

internal sealed record TextToSpeechRequest(
    string Model,
    string Text,
    bool Stream,
    VoiceSetting VoiceSetting,
    AudioSetting AudioSetting,
    string OutputFormat);

internal sealed record TextToSpeechResponse(TextToSpeechData? Data, TextToSpeechExtra? ExtraInfo, string? TraceId, BaseResponse? BaseResp);

internal sealed record TextToSpeechData(string? Audio, int Status);

internal sealed record TextToSpeechExtra(long AudioLength, int AudioSampleRate, long AudioSize, string? AudioFormat);

internal sealed record GetVoiceRequest(string VoiceType);

internal sealed record GetVoiceResponse(
    IReadOnlyList<VoiceEntry>? SystemVoice,
    IReadOnlyList<VoiceEntry>? VoiceCloning,
    BaseResponse? BaseResp);

internal sealed record VoiceEntry(string? VoiceId, string? VoiceName);


/// <summary>MiniMax sends <c>file_id</c> as a string in one answer and as a number in another.</summary>
internal sealed class StringOrNumberConverter : JsonConverter<string?>
{
    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
    {
        JsonTokenType.Null => null,
        JsonTokenType.String => reader.GetString(),
        JsonTokenType.Number => reader.TryGetInt64(out var number) ? number.ToString(System.Globalization.CultureInfo.InvariantCulture) : reader.GetDouble().ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => throw new JsonException($"Expected a string or a number, found {reader.TokenType}."),
    };

    public override void Write(Utf8JsonWriter writer, string? value, JsonSerializerOptions options) => writer.WriteStringValue(value);
}
