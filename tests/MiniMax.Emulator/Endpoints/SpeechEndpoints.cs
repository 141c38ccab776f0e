using System.Globalization;
using System.Security.Cryptography;
using MiniMax.Emulator.Contract;
using MiniMax.Emulator.Faults;
using MiniMax.Emulator.Media;
using MiniMax.Emulator.Requests;
using MiniMax.Emulator.State;

namespace MiniMax.Emulator.Endpoints;

/// <summary>Text to speech (<c>/v1/t2a_v2</c>), non-streaming.</summary>
public static class SpeechEndpoints
{
    public const int MaxTextLength = 10_000;

    private static readonly int[] SampleRates = [8000, 16000, 22050, 24000, 32000, 44100];
    private static readonly int[] Bitrates = [32000, 64000, 128000, 256000];

    public static IEndpointRouteBuilder MapSpeechEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/t2a_v2", SpeakAsync).Emulates(EndpointNames.T2aV2);
        return app;
    }

    private static async Task<IResult> SpeakAsync(
        HttpContext context,
        VoiceStore voices,
        SpeechRenderer renderer,
        FileStore files,
        DownloadLinks links,
        IHostApplicationLifetime lifetime,
        CancellationToken cancellationToken)
    {
        var (request, error) = await ContractJson.ReadAsync<T2aRequest>(context.Request, cancellationToken);
        if (request is null)
        {
            return Reply.InvalidParams(error!);
        }

        var (spec, invalid) = Validate(request, voices);
        if (spec is null)
        {
            return Reply.InvalidParams(invalid!);
        }

        // The render is the server's work once the request is in; a client leaving does not kill ffmpeg half-way.
        var audio = await renderer.RenderAsync(spec, lifetime.ApplicationStopping);
        string data;
        if (request.OutputFormat == "url")
        {
            var file = files.AddExisting(audio.Path, $"output.{spec.Format}", "t2a_v2");
            context.Tag(fileId: file.FileId.ToString(CultureInfo.InvariantCulture));
            data = links.Create(context.Request, file.FileId);
        }
        else
        {
            data = Convert.ToHexStringLower(await File.ReadAllBytesAsync(audio.Path, CancellationToken.None));
            File.Delete(audio.Path);
        }

        var extra = new T2aExtraInfo(
            AudioLength: (long)Math.Round(audio.Seconds * 1000),
            AudioSampleRate: spec.SampleRate,
            AudioSize: audio.Bytes,
            Bitrate: spec.Bitrate,
            WordCount: spec.Text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length,
            UsageCharacters: spec.Text.Length,
            AudioFormat: spec.Format,
            AudioChannel: spec.Channels);
        var traceId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        return Reply.Json(new T2aResponse(new T2aData(data, Status: 2), extra, traceId, BaseResp.Success));
    }

    private static (SpeechSpec? Spec, string? Error) Validate(T2aRequest request, VoiceStore voices)
    {
        if (string.IsNullOrWhiteSpace(request.Model))
        {
            return (null, "invalid params, model is required");
        }

        if (string.IsNullOrWhiteSpace(request.Text))
        {
            return (null, "invalid params, text is required");
        }

        if (request.Text.Length > MaxTextLength)
        {
            return (null, $"invalid params, text is longer than {MaxTextLength} characters");
        }

        if (request.Stream == true)
        {
            return (null, "invalid params, the emulator does not stream; send stream: false");
        }

        if (request.OutputFormat is not (null or "hex" or "url"))
        {
            return (null, "invalid params, output_format must be hex or url");
        }

        var voice = request.VoiceSetting ?? new VoiceSetting(null, null, null, null, null);
        if (string.IsNullOrEmpty(voice.VoiceId) || voices.FliteVoiceFor(voice.VoiceId) is not { } flite)
        {
            return (null, $"invalid params, voice_id {voice.VoiceId} does not exist");
        }

        if (voice.Speed is < 0.5 or > 2 || voice.Vol is <= 0 or > 10 || voice.Pitch is < -12 or > 12)
        {
            return (null, "invalid params, speed must be 0.5-2, vol more than 0 and at most 10, pitch -12 to 12");
        }

        var audio = request.AudioSetting ?? new AudioSetting(null, null, null, null);
        var spec = new SpeechSpec(
            request.Text,
            flite,
            voice.Speed ?? 1,
            voice.Vol ?? 1,
            audio.SampleRate ?? 32000,
            audio.Bitrate ?? 128000,
            audio.Channel ?? 1,
            audio.Format ?? "mp3");
        if (!SampleRates.Contains(spec.SampleRate) || !Bitrates.Contains(spec.Bitrate) || spec.Channels is not (1 or 2))
        {
            return (null, "invalid params, audio_setting has an unsupported sample_rate, bitrate or channel");
        }

        return SpeechRenderer.Formats.Contains(spec.Format)
            ? (spec, null)
            : (null, $"invalid params, audio_setting.format must be one of: {string.Join(", ", SpeechRenderer.Formats)}");
    }
}
