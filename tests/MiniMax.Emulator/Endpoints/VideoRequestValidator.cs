using System.Text.RegularExpressions;
using MiniMax.Emulator.Contract;
using MiniMax.Emulator.State;

namespace MiniMax.Emulator.Endpoints;

/// <summary>A decoded inline image: its bytes and the file extension ffmpeg should see.</summary>
public sealed record InlineImage(byte[] Bytes, string Extension);

/// <summary>A submission that passed validation, with defaults filled in.</summary>
public sealed record ValidVideoRequest(VideoSpec Spec, InlineImage? FirstFrame, Uri? CallbackUrl = null);

/// <summary>Checks a submission the way the real service does; the message says what is wrong, as a 2013 would.</summary>
public static partial class VideoRequestValidator
{
    public const int MaxPromptLength = 2000;
    private const int MaxImageBytes = 20 * 1024 * 1024;

    public static (ValidVideoRequest? Request, string? Error) Validate(VideoGenerationRequest request)
    {
        if (string.IsNullOrEmpty(request.Model) || !VideoModels.All.TryGetValue(request.Model, out var model))
        {
            return Invalid($"invalid params, model must be one of: {string.Join(", ", VideoModels.All.Keys)}");
        }

        var prompt = request.Prompt ?? "";
        if (prompt.Length > MaxPromptLength)
        {
            return Invalid($"invalid params, prompt is longer than {MaxPromptLength} characters");
        }

        var duration = request.Duration ?? 6;
        if (!VideoModels.Durations.Contains(duration))
        {
            return Invalid("invalid params, duration must be 6 or 10");
        }

        var resolution = request.Resolution ?? model.DefaultResolution;
        if (!model.Resolutions.Contains(resolution))
        {
            return Invalid($"invalid params, resolution {resolution} is not supported by {model.Name} (use {string.Join(" or ", model.Resolutions)})");
        }

        if (model.NeedsFirstFrame && string.IsNullOrEmpty(request.FirstFrameImage))
        {
            return Invalid($"invalid params, first_frame_image is required for {model.Name}");
        }

        if (string.IsNullOrEmpty(request.FirstFrameImage) && string.IsNullOrWhiteSpace(prompt))
        {
            return Invalid("invalid params, prompt is required for text-to-video");
        }

        var (firstFrame, frameError) = ReadImage(request.FirstFrameImage, "first_frame_image");
        if (frameError is not null)
        {
            return Invalid(frameError);
        }

        if (!string.IsNullOrEmpty(request.LastFrameImage))
        {
            if (!model.AllowsLastFrame)
            {
                return Invalid($"invalid params, last_frame_image is not supported by {model.Name}");
            }

            var (_, lastError) = ReadImage(request.LastFrameImage, "last_frame_image");
            if (lastError is not null)
            {
                return Invalid(lastError);
            }
        }

        if (!string.IsNullOrEmpty(request.CallbackUrl) && !IsHttpUrl(request.CallbackUrl, allowHttp: true))
        {
            return Invalid("invalid params, callback_url must be an http(s) URL");
        }

        return (new ValidVideoRequest(new VideoSpec(model.Name, prompt, duration, resolution), firstFrame,
            string.IsNullOrEmpty(request.CallbackUrl) ? null : new Uri(request.CallbackUrl)), null);
    }

    /// <summary>
    /// An https URL is accepted as it is (the emulator never fetches it); a data URL must decode to a JPEG, PNG or WebP.
    /// </summary>
    private static (InlineImage? Image, string? Error) ReadImage(string? value, string field)
    {
        if (string.IsNullOrEmpty(value) || IsHttpUrl(value, allowHttp: false))
        {
            return (null, null);
        }

        var match = DataUrl().Match(value);
        if (!match.Success)
        {
            return (null, $"invalid params, {field} must be an https URL or a data:image/...;base64, URL");
        }

        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(match.Groups["data"].Value);
        }
        catch (FormatException)
        {
            return (null, $"invalid params, {field} is not valid base64");
        }

        if (bytes.Length > MaxImageBytes)
        {
            return (null, $"invalid params, {field} is larger than 20 MB");
        }

        var extension = ImageExtension(bytes);
        return extension is null
            ? (null, $"invalid params, {field} is not a JPEG, PNG or WebP image")
            : (new InlineImage(bytes, extension), null);
    }

    private static string? ImageExtension(ReadOnlySpan<byte> bytes) => bytes switch
    {
        [0xFF, 0xD8, 0xFF, ..] => ".jpg",
        [0x89, (byte)'P', (byte)'N', (byte)'G', ..] => ".png",
        [(byte)'R', (byte)'I', (byte)'F', (byte)'F', _, _, _, _, (byte)'W', (byte)'E', (byte)'B', (byte)'P', ..] => ".webp",
        _ => null,
    };

    private static bool IsHttpUrl(string value, bool allowHttp) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttps || (allowHttp && uri.Scheme == Uri.UriSchemeHttp))
        && !string.IsNullOrEmpty(uri.Host);

    private static (ValidVideoRequest?, string?) Invalid(string message) => (null, message);

    [GeneratedRegex(@"^data:image/[a-zA-Z0-9.+-]+;base64,(?<data>.*)$", RegexOptions.Singleline)]
    private static partial Regex DataUrl();
}
