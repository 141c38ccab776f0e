using System.Globalization;

namespace MiniMax.Emulator.Media;

/// <summary>What to say and how to encode it. <see cref="FliteVoice"/> is one of flite's built-in voices.</summary>
public sealed record SpeechSpec(string Text, string FliteVoice, double Speed, double Volume, int SampleRate, int Bitrate, int Channels, string Format);

public sealed record SpeechAudio(string Path, long Bytes, double Seconds);

/// <summary>Real speech from ffmpeg's flite source, so that clients and speech-to-text get audio that says the text.</summary>
public sealed class SpeechRenderer(Ffmpeg ffmpeg, WorkFolder folder)
{
    public static readonly IReadOnlyList<string> Formats = ["mp3", "wav", "flac"];

    public async Task<SpeechAudio> RenderAsync(SpeechSpec spec, CancellationToken cancellationToken)
    {
        var textFile = folder.NewFile(".txt");
        var output = folder.NewFile("." + spec.Format);
        await File.WriteAllTextAsync(textFile, spec.Text, cancellationToken);
        try
        {
            // The text goes through a file: flite's text= option would read quotes and colons as filter syntax.
            await ffmpeg.RenderAsync([
                "-f", "lavfi", "-i", $"flite=textfile='{textFile}':voice={spec.FliteVoice}",
                "-af", $"atempo={Invariant(spec.Speed)},volume={Invariant(spec.Volume)}",
                "-ar", Invariant(spec.SampleRate), "-ac", Invariant(spec.Channels), .. Codec(spec), output,
            ], cancellationToken);
        }
        finally
        {
            File.Delete(textFile);
        }

        var seconds = await ffmpeg.DurationAsync(output, cancellationToken);
        return new SpeechAudio(output, new FileInfo(output).Length, seconds);
    }

    private static string[] Codec(SpeechSpec spec) => spec.Format switch
    {
        "mp3" => ["-c:a", "libmp3lame", "-b:a", Invariant(spec.Bitrate)],
        "wav" => ["-c:a", "pcm_s16le"],
        "flac" => ["-c:a", "flac"],
        _ => throw new ArgumentOutOfRangeException(nameof(spec), spec.Format, "not a supported audio format"),
    };

    private static string Invariant(double value) => value.ToString(CultureInfo.InvariantCulture);
}
