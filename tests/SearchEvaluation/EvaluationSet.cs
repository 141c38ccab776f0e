using System.Text.RegularExpressions;

namespace VaasWeb.SearchEvaluation;

/// <summary>How a query relates to the text that answers it; the goals are set per kind.</summary>
public enum QueryKind
{
    /// <summary>Only words of the text, as written.</summary>
    Exact,

    /// <summary>Other forms of words of the text (plural, tense, -ing), none as written.</summary>
    WordForms,

    /// <summary>The same meaning in other words: no word of the text, nor another form of one.</summary>
    Meaning,
}

/// <summary>
/// Something the set says or shows once, and a query of each kind that should find it; one without queries is there to
/// be mistaken for the others (the same topic, some of the same words).
/// </summary>
public sealed record Passage(string Text, string? Exact = null, string? WordForms = null, string? Meaning = null)
{
    public IEnumerable<(QueryKind Kind, string Query)> Queries =>
        new[] { (QueryKind.Exact, Exact), (QueryKind.WordForms, WordForms), (QueryKind.Meaning, Meaning) }
            .Where(q => q.Item2 is not null).Select(q => (q.Item1, q.Item2!));
}

/// <summary>A video of the set; <see cref="EvaluationSetBuilder"/> makes it with ffmpeg.</summary>
public abstract record EvaluationVideo(string Name);

/// <summary>flite reading <paramref name="Sentences"/> in one of its voices over a moving <paramref name="Picture"/> with no writing.</summary>
public sealed record SpokenVideo(string Name, string Voice, string Picture, IReadOnlyList<Passage> Sentences) : EvaluationVideo(Name);

/// <summary>A slide: a title above a sentence, on a background of its own.</summary>
public sealed record Slide(string Title, Passage Passage, string Background);

/// <summary>Slides one after another, as a deck is shown.</summary>
public sealed record SlidesVideo(string Name, IReadOnlyList<Slide> Slides) : EvaluationVideo(Name);

/// <summary>A shot of one of ffmpeg's moving pictures, with a caption over its lower part or none.</summary>
public sealed record Scene(string Picture, Passage? Caption = null);

/// <summary>Shots cut one after another; with no captions at all, a video where nothing is meant to be read.</summary>
public sealed record ScenesVideo(string Name, IReadOnlyList<Scene> Scenes) : EvaluationVideo(Name)
{
    public bool IsNoiseOnly => Scenes.All(s => s.Caption is null);
}

/// <summary>
/// The videos of the search evaluation and what they say and show. <see cref="Full"/> is the benchmark's (18 queries
/// of each kind, 15 passages asked for by none, about six minutes of video), <see cref="Small"/> the test's (5 of each
/// kind, under a minute).
/// Speech is in three of flite's voices: rms, slt and awb, which pocketsphinx mostly hears right; kal and kal16
/// (diphone voices) it mishears in most words, which would measure the recogniser rather than search. Passages were
/// written once, before any run; a query that misses stays in the set.
/// </summary>
public static partial class EvaluationSet
{
    private static readonly Passage Pump = new("the engineers replaced the broken water pump before winter",
        "broken water pump", "engineer replacing pumps", "fixing plumbing ahead of cold season");

    private static readonly Passage Budget = new("our team finished the annual budget report on friday",
        "annual budget report", "teams finishing budgets", "company spending plan completed late last week");

    private static readonly Passage Retriever = new("a golden retriever chased the ball across the park",
        "golden retriever", "retrievers chasing balls", "dog running after toy outdoors");

    private static readonly Passage Pilot = new("the pilot landed the airplane safely during the storm",
        "landed the airplane", "pilots landing airplanes", "aircraft touched down in bad weather");

    private static readonly Passage Harvest = new("farmers harvest apples and pears every autumn",
        "harvest apples", "farmer harvesting apple", "picking fruit from orchards in fall");

    private static readonly Passage Museum = new("the museum opened a new exhibition about ancient egypt",
        "ancient egypt", "museums opening exhibitions", "pharaoh treasures displayed for visitors");

    private static readonly Passage Chemistry = new("students studied chemistry in the university library",
        "university library", "student studying", "pupils learning science at college");

    private static readonly Passage Doctor = new("the doctor prescribed medicine for a bad cough",
        "prescribed medicine", "doctors prescribing medicines", "physician gave pills to treat flu symptoms");

    // "bus" and "buses" are forms the porter stemmer does not join (bu, buse): words alone miss it.
    private static readonly Passage Traffic = new("heavy traffic delayed the buses downtown this morning",
        "heavy traffic", "bus delays", "congestion made commuters late");

    private static readonly Passage Plumber = new("the plumber fixed a leaking tap in the bathroom");
    private static readonly Passage Train = new("the train left the station ten minutes late");
    private static readonly Passage Nurse = new("the nurse measured the temperature of every patient");

    private static readonly Slide Sales = new("Quarterly Sales", new("Revenue grew in every region",
        "revenue grew", "sale regions", "income rose across all areas"), "0x1a2a40");

    private static readonly Slide Safety = new("Safety Training", new("Wear a helmet on the construction site",
        "construction site", "wearing helmets", "protect your head while building"), "0x402018");

    private static readonly Slide Holiday = new("Holiday Schedule", new("The office closes for two weeks in December",
        "office closes", "offices closing", "workplace shut over christmas break"), "0x183020");

    private static readonly Slide Support = new("Customer Support", new("Call the helpdesk if your password expires",
        "password expires", "calling helpdesks", "phone assistance when login stops working"), "0x301838");

    private static readonly Slide Marketing = new("Marketing Plan", new("Launch the campaign on social media next spring",
        "social media", "launching campaigns", "advertising online starting march"), "0x303010");

    private static readonly Slide Kitchen = new("Kitchen Rules", new("Wash your hands before cooking",
        "wash your hands", "washing hand", "clean fingers prior to preparing meals"), "0x103038");

    private static readonly Slide[] Unasked =
    [
        new("Annual Report", new("Profits fell in the southern office"), "0x2a1a40"),
        new("Fire Drill", new("Leave the building by the nearest stairs"), "0x402a18"),
        new("Team Lunch", new("Pizza arrives at noon on Thursday"), "0x20301a"),
        new("Network Upgrade", new("The wifi will be down tonight"), "0x18283a"),
        new("Brand Guide", new("Use the blue logo on every poster"), "0x3a1830"),
        new("Cleaning Rota", new("Empty the fridge every Friday"), "0x1a3a30"),
        new("Parking Notice", new("The garage is closed for repairs"), "0x30281a"),
        new("New Hires", new("Welcome our three new engineers"), "0x1a2040"),
        new("Travel Policy", new("Book flights two weeks ahead"), "0x401a2a"),
        new("Library Hours", new("The reading room opens at nine"), "0x283018"),
        new("Garden Club", new("Members grow tomatoes and herbs"), "0x18403a"),
        new("Energy Savings", new("Switch off lights when leaving"), "0x38301a"),
    ];

    private static readonly Passage Ocean = new("Deep ocean fish glow in the dark",
        "ocean fish", "glowing fishes", "luminous sea creatures far below");

    private static readonly Passage Volunteers = new("Volunteers planted trees along the river",
        "planted trees", "volunteer planting tree", "community gardening near stream banks");

    private static readonly Passage Solar = new("Solar panels power the village school",
        "solar panels", "panel powering schools", "sunlight energy for rural classrooms");

    public static IReadOnlyList<EvaluationVideo> Full { get; } = Checked(
    [
        new SpokenVideo("speech-rms.mp4", "rms", "gradients", [Pump, Budget, Plumber, Retriever]),
        new SpokenVideo("speech-slt.mp4", "slt", "cellauto", [Pilot, Train, Harvest, Museum]),
        new SpokenVideo("speech-awb.mp4", "awb", "life", [Chemistry, Doctor, Traffic, Nurse]),
        new SlidesVideo("slides.mp4", [Sales, .. Unasked[..4], Safety, .. Unasked[4..8], Holiday, Support, .. Unasked[8..], Marketing, Kitchen]),
        new ScenesVideo("scenes.mp4", [new("mandelbrot", Ocean), new("life", Volunteers), new("testsrc2", Solar), new("cellauto")]),
        new ScenesVideo("noise.mp4",
        [
            new("testsrc2"), new("mandelbrot"), new("cellauto-coarse"), new("life"), new("mptestsrc"), new("cellauto"),
            new("smptehdbars"), new("rgbtestsrc"), new("gradients"),
        ]),
    ]);

    public static IReadOnlyList<EvaluationVideo> Small { get; } = Checked(
    [
        new SpokenVideo("speech-rms.mp4", "rms", "gradients", [Pump, Budget]),
        new SlidesVideo("slides.mp4", [Sales, Safety]),
        new ScenesVideo("scenes.mp4", [new("mandelbrot", Ocean)]),
        new ScenesVideo("noise.mp4", [new("testsrc2"), new("cellauto-coarse"), new("mptestsrc")]),
    ]);

    /// <summary>
    /// Each query is of the kind it claims, so the kinds measure what they say: an exact query uses only words of the
    /// text it asks for (a slide's title included), a word-forms query none of them as written but each another form of
    /// one (the same first three letters), a meaning query no word of the text nor another form of one (the same first
    /// four letters). Passages hold letters and spaces only, so they pass through ffmpeg's filter syntax unescaped.
    /// </summary>
    private static IReadOnlyList<EvaluationVideo> Checked(IReadOnlyList<EvaluationVideo> videos)
    {
        foreach (var (shown, passage) in videos.SelectMany(Shown))
        {
            if (!LettersAndSpaces().IsMatch(shown))
            {
                throw new ArgumentException($"\"{shown}\" must be letters and spaces only.");
            }

            var text = WordsOf(shown);
            bool SameForm(string a, string b, int letters) => a == b || (a.Length >= letters && b.Length >= letters && a[..letters] == b[..letters]);
            foreach (var (kind, query) in passage.Queries)
            {
                var words = WordsOf(query);
                var right = kind switch
                {
                    QueryKind.Exact => words.All(text.Contains),
                    QueryKind.WordForms => words.All(w => !text.Contains(w) && text.Any(t => SameForm(w, t, 3))),
                    _ => words.All(w => !text.Any(t => SameForm(w, t, 4))),
                };
                if (!right)
                {
                    throw new ArgumentException($"\"{query}\" is not a {kind} query for \"{shown}\".");
                }
            }
        }

        return videos;
    }

    /// <summary>Every passage with all the text shown or said with it.</summary>
    private static IEnumerable<(string Shown, Passage Passage)> Shown(EvaluationVideo video) => video switch
    {
        SpokenVideo spoken => spoken.Sentences.Select(s => (s.Text, s)),
        SlidesVideo slides => slides.Slides.Select(s => ($"{s.Title} {s.Passage.Text}", s.Passage)),
        ScenesVideo scenes => scenes.Scenes.Where(s => s.Caption is not null).Select(s => (s.Caption!.Text, s.Caption)),
        _ => throw new ArgumentOutOfRangeException(nameof(video)),
    };

    /// <summary>The words of a text, lower case, without the punctuation and line breaks a reading of the screen has.</summary>
    internal static string[] WordsOf(string text) => Word().Matches(text.ToLowerInvariant()).Select(m => m.Value).ToArray();

    [GeneratedRegex("^[A-Za-z ]+$")]
    private static partial Regex LettersAndSpaces();

    [GeneratedRegex(@"[\p{L}\p{N}]+")]
    private static partial Regex Word();
}
