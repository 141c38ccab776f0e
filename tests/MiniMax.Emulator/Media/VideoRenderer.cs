using System.Globalization;
using MiniMax.Emulator.Contract;
using MiniMax.Emulator.State;

namespace MiniMax.Emulator.Media;

/// <summary>
/// Makes the "generated" video: the first frame (or a plain colour) with the start of the prompt written on it and a
/// small box moving along the bottom, so that consecutive frames differ the way a real video's do.
/// </summary>
public sealed class VideoRenderer(Ffmpeg ffmpeg, WorkFolder folder)
{
    public const int FramesPerSecond = 25;
    public const int PromptCharactersShown = 60;

    public async Task<string> RenderAsync(VideoTask task, int renderWidth, CancellationToken cancellationToken)
    {
        var (width, height) = RenderSize(task.Spec.Resolution, renderWidth);
        var textFile = folder.NewFile(".txt");
        var output = folder.NewFile(".mp4");
        var partial = output + ".part.mp4";
        await File.WriteAllTextAsync(textFile, Caption(task.Spec), cancellationToken);
        try
        {
            await ffmpeg.RenderAsync(Arguments(task, width, height, textFile, partial), cancellationToken);
            // Renamed only when complete, so a half-written file is never served.
            File.Move(partial, output);
            return output;
        }
        finally
        {
            File.Delete(textFile);
            File.Delete(partial);
        }
    }

    /// <summary>
    /// <paramref name="renderWidth"/> wide (0: the nominal size), the nominal aspect ratio, both even (libx264 with
    /// yuv420p needs that).
    /// </summary>
    public static (int Width, int Height) RenderSize(string resolution, int renderWidth)
    {
        var (nominalWidth, nominalHeight) = VideoModels.SizeOf(resolution);
        if (renderWidth <= 0)
        {
            return (nominalWidth, nominalHeight);
        }

        var width = Math.Max(2, renderWidth / 2 * 2);
        var height = Math.Max(2, (int)Math.Round(width * (double)nominalHeight / nominalWidth / 2) * 2);
        return (width, height);
    }

    /// <summary>At most 60 characters of the prompt on two lines: drawtext does not wrap by itself.</summary>
    public static string Caption(VideoSpec spec)
    {
        var text = spec.Prompt.ReplaceLineEndings(" ").Trim();
        if (text.Length == 0)
        {
            return spec.Model;
        }

        if (text.Length > PromptCharactersShown)
        {
            text = text[..PromptCharactersShown].TrimEnd() + "…";
        }

        if (text.Length <= PromptCharactersShown / 2)
        {
            return text;
        }

        var split = text.LastIndexOf(' ', text.Length / 2 + 6);
        return split > 0 ? $"{text[..split]}\n{text[(split + 1)..]}" : $"{text[..(text.Length / 2)]}\n{text[(text.Length / 2)..]}";
    }

    private static List<string> Arguments(VideoTask task, int width, int height, string textFile, string output)
    {
        var size = $"{width}x{height}";
        var box = Math.Max(4, height / 10 / 2 * 2);
        var fontSize = Math.Max(8, height / 14);
        var args = new List<string>();
        string picture;
        if (task.FirstFramePath is { } frame)
        {
            args.AddRange(["-loop", "1", "-framerate", Invariant(FramesPerSecond), "-i", frame]);
            picture = $"[0:v]scale={width}:{height}:force_original_aspect_ratio=decrease:force_divisible_by=2," +
                      $"pad={width}:{height}:(ow-iw)/2:(oh-ih)/2:color=black,setsar=1";
        }
        else
        {
            args.AddRange(["-f", "lavfi", "-i", $"color=c=0x23395d:s={size}:r={FramesPerSecond}"]);
            picture = "[0:v]setsar=1";
        }

        args.AddRange(["-f", "lavfi", "-i", $"color=c=0xf0a030:s={box}x{box}:r={FramesPerSecond}"]);
        // textfile + expansion=none: the prompt is user text, so nothing in it may be read as filter syntax.
        var caption = $"drawtext=textfile='{textFile}':expansion=none:fontcolor=white:fontsize={fontSize}:" +
                      "x=(w-text_w)/2:y=(h-text_h)/2:line_spacing=4:box=1:boxcolor=black@0.4:boxborderw=6";
        var motion = $"overlay=x='mod(t*{width / 3},main_w-overlay_w)':y=main_h-overlay_h-{box / 2}";
        args.AddRange([
            "-filter_complex", $"{picture},{caption}[captioned];[captioned][1:v]{motion},format=yuv420p[v]",
            "-map", "[v]", "-t", Invariant(task.Spec.Duration), "-r", Invariant(FramesPerSecond),
            "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-an", "-movflags", "+faststart", output,
        ]);
        return args;
    }

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}
