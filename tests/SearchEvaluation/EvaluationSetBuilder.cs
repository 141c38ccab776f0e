using System.Globalization;
using VaasWeb.Processing.Media;

namespace VaasWeb.SearchEvaluation;

/// <summary>What the builder drew on a video and when: the truth on-screen text is checked against.</summary>
public sealed record DrawnText(string Text, double FromSeconds, double UntilSeconds);

/// <summary>
/// A query, its kind, and the moment that answers it: a stretch of one video. A hit is right when it is on that video
/// and its span overlaps the moment by more than nothing (touching at an end does not count).
/// </summary>
public sealed record EvaluationQuery(string Text, QueryKind Kind, string Video, double StartSeconds, double EndSeconds)
{
    public bool IsAnsweredBy(string video, double startSeconds, double endSeconds) =>
        video == Video && startSeconds < EndSeconds && endSeconds > StartSeconds;
}

/// <summary>A made video: its file, and every text drawn on it.</summary>
public sealed record BuiltVideo(EvaluationVideo Plan, string Path, IReadOnlyList<DrawnText> Drawn)
{
    public string Name => Plan.Name;
}

public sealed record BuiltSet(IReadOnlyList<BuiltVideo> Videos, IReadOnlyList<EvaluationQuery> Queries);

/// <summary>
/// Makes the videos of an evaluation set with ffmpeg (flite for speech, drawtext for writing, lavfi's test pictures for
/// everything meant not to be read) and says when each passage is said or shown. Every picture is 960×540 at 25 fps.
/// </summary>
public static class EvaluationSetBuilder
{
    private const string Size = "960x540";

    /// <summary>
    /// One sentence per 9 s, starting 1.5 s in: with the default audio chunks (10 s, 1 s overlap: [0,10] [9,19] …) each
    /// sentence lies inside one chunk, so what is measured is search, not how a sentence cut by a chunk is heard.
    /// </summary>
    private const double SentenceSlotSeconds = 9;

    private const double SentenceLeadSeconds = 1.5;
    private const double SlideSeconds = 6;
    private const double SceneSeconds = 8;

    /// <summary>A drawing ends one frame before its slot does, so two never share a frame.</summary>
    private const double OneFrame = 0.04;

    private static readonly ExternalTool Ffmpeg = new("ffmpeg", "ffmpeg", ["-version"], "install the ffmpeg package");
    private static readonly ExternalTool Ffprobe = new("ffprobe", "ffprobe", ["-version"], "install the ffmpeg package");

    public static async Task<BuiltSet> BuildAsync(IReadOnlyList<EvaluationVideo> videos, string folder, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(folder);
        var built = new List<BuiltVideo>();
        var queries = new List<EvaluationQuery>();
        foreach (var video in videos)
        {
            var path = Path.Combine(folder, video.Name);
            var moments = video switch
            {
                SpokenVideo spoken => await SpeakAsync(spoken, path, folder, cancellationToken),
                SlidesVideo slides => await ShowSlidesAsync(slides, path, cancellationToken),
                ScenesVideo scenes => await CutScenesAsync(scenes, path, cancellationToken),
                _ => throw new ArgumentOutOfRangeException(nameof(videos)),
            };
            var drawn = video is SpokenVideo ? [] : moments.SelectMany(m => m.Shown.Select(text => new DrawnText(text, m.From, m.Until))).ToArray();
            built.Add(new BuiltVideo(video, path, drawn));
            queries.AddRange(moments.SelectMany(m => m.Passage.Queries.Select(q => new EvaluationQuery(q.Query, q.Kind, video.Name, m.From, m.Until))));
        }

        return new BuiltSet(built, queries);
    }

    /// <summary>When a passage is said or shown, and the lines drawn with it.</summary>
    private sealed record Moment(Passage Passage, double From, double Until, IReadOnlyList<string> Shown);

    /// <summary>Each sentence spoken alone first, so its length is known; then all of them mixed in at their slots.</summary>
    private static async Task<IReadOnlyList<Moment>> SpeakAsync(SpokenVideo video, string path, string folder, CancellationToken cancellationToken)
    {
        var moments = new List<Moment>();
        var inputs = new List<string>();
        var mix = new List<string>();
        for (var i = 0; i < video.Sentences.Count; i++)
        {
            var sentence = video.Sentences[i];
            var wav = Path.Combine(folder, $"{Path.GetFileNameWithoutExtension(video.Name)}-{i}.wav");
            await RunAsync(Ffmpeg, ["-v", "error", "-y", "-f", "lavfi", "-i", $"flite=text='{sentence.Text}':voice={video.Voice}", wav], cancellationToken);
            var seconds = double.Parse(await RunAsync(Ffprobe, ["-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", wav], cancellationToken),
                CultureInfo.InvariantCulture);
            var from = i * SentenceSlotSeconds + SentenceLeadSeconds;
            moments.Add(new Moment(sentence, from, Math.Round(from + seconds, 3), []));
            inputs.AddRange(["-i", wav]);
            mix.Add($"[{i + 1}:a]aresample=44100,adelay={from * 1000:0}:all=1[s{i}]");
        }

        var length = video.Sentences.Count * SentenceSlotSeconds + 1;
        var voices = string.Concat(Enumerable.Range(0, video.Sentences.Count).Select(i => $"[s{i}]"));
        await RunAsync(Ffmpeg, ["-v", "error", "-y", "-f", "lavfi", "-t", Seconds(length), "-i", Picture(video.Picture), .. inputs,
            "-filter_complex", $"{string.Join(';', mix)};{voices}amix=inputs={video.Sentences.Count}:normalize=0,apad[a]",
            "-map", "0:v", "-map", "[a]", "-t", Seconds(length), .. Encoding, path], cancellationToken);
        return moments;
    }

    /// <summary>Each slide on a background of its own (decks change more than their text from slide to slide).</summary>
    private static async Task<IReadOnlyList<Moment>> ShowSlidesAsync(SlidesVideo video, string path, CancellationToken cancellationToken)
    {
        var moments = video.Slides.Select((s, i) => new Moment(s.Passage, i * SlideSeconds, (i + 1) * SlideSeconds, [s.Title, s.Passage.Text])).ToArray();
        var filters = string.Join(",", video.Slides.Zip(moments, (slide, m) =>
        {
            var shown = $"enable='between(t,{Seconds(m.From)},{Seconds(m.Until - OneFrame)})'";
            return $"drawbox=x=0:y=0:w=iw:h=ih:color={slide.Background}:t=fill:{shown}," +
                   $"drawtext=text='{slide.Title}':fontcolor=white:fontsize=56:x=(w-text_w)/2:y=150:{shown}," +
                   $"drawtext=text='{slide.Passage.Text}':fontcolor=white:fontsize=34:x=(w-text_w)/2:y=300:{shown}";
        }));
        var length = moments[^1].Until;
        await RunAsync(Ffmpeg, ["-v", "error", "-y", "-f", "lavfi", "-i", $"color=c=black:size={Size}:rate=25", "-vf", filters,
            "-t", Seconds(length), .. Encoding, path], cancellationToken);
        return moments;
    }

    /// <summary>Shots cut together; a caption is white on a dark band over the lower part of its shot for the whole shot.</summary>
    private static async Task<IReadOnlyList<Moment>> CutScenesAsync(ScenesVideo video, string path, CancellationToken cancellationToken)
    {
        var moments = new List<Moment>();
        var inputs = new List<string>();
        var shots = new List<string>();
        for (var i = 0; i < video.Scenes.Count; i++)
        {
            var scene = video.Scenes[i];
            inputs.AddRange(["-f", "lavfi", "-t", Seconds(SceneSeconds), "-i", Picture(scene.Picture)]);
            var caption = "";
            if (scene.Caption is { } passage)
            {
                moments.Add(new Moment(passage, i * SceneSeconds, (i + 1) * SceneSeconds, [passage.Text]));
                caption = ",drawbox=x=0:y=ih-120:w=iw:h=120:color=0x101820:t=fill," +
                          $"drawtext=text='{passage.Text}':fontcolor=white:fontsize=36:x=(w-text_w)/2:y=h-80";
            }

            shots.Add($"[{i}:v]format=yuv420p,setsar=1{caption}[v{i}]");
        }

        var joined = string.Concat(Enumerable.Range(0, video.Scenes.Count).Select(i => $"[v{i}]"));
        await RunAsync(Ffmpeg, ["-v", "error", "-y", .. inputs,
            "-filter_complex", $"{string.Join(';', shots)};{joined}concat=n={video.Scenes.Count}:v=1:a=0[v]",
            "-map", "[v]", .. Encoding, path], cancellationToken);
        return moments;
    }

    /// <summary>
    /// One of lavfi's moving pictures at the set's size; none of them is meant to be read. Most of them tesseract reads
    /// as nothing; in the coarse automaton and mptestsrc's blocks it finds words in most frames ("SEGED COUGHS",
    /// "ribet"), and in testsrc2 its clock and counter.
    /// </summary>
    private static string Picture(string name) => name switch
    {
        "life" => $"life=size={Size}:rate=25:mold=10:ratio=0.1:death_color=#202020:life_color=#60a060",
        "cellauto" => $"cellauto=size={Size}:rate=25:rule=110",
        "cellauto-coarse" => $"cellauto=size=480x270:rate=25:rule=110,scale={Size}:flags=neighbor",
        "mptestsrc" => $"mptestsrc=rate=25,scale={Size}",
        "gradients" => $"gradients=size={Size}:rate=25:speed=0.05",
        _ => $"{name}=size={Size}:rate=25",
    };

    private static readonly string[] Encoding = ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac"];

    private static string Seconds(double seconds) => seconds.ToString("0.###", CultureInfo.InvariantCulture);

    private static async Task<string> RunAsync(ExternalTool tool, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var (exitCode, output) = await ExternalTools.RunAsync(tool, arguments, cancellationToken);
        return exitCode == 0 ? output.Trim() : throw new InvalidOperationException($"{tool.Name} failed: {output}");
    }
}
