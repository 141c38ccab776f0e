using VaasWeb.Processing.Search;
using VaasWeb.SearchEvaluation;
using VaasWeb.Tests.Unit.Support;

namespace VaasWeb.Tests.Unit.Search;

/// <summary>
/// The small evaluation set (speech, slides, a captioned scene, pictures with nothing to read; see
/// <see cref="EvaluationSet.Small"/>) made by ffmpeg and ingested once through the real pipeline with nothing
/// configured (pocketsphinx, tesseract, the built-in MiniLM), then every query in each ranking.
/// </summary>
public sealed class SmallEvaluation : IAsyncLifetime
{
    private readonly TempDirectory _temp = new();
    private ProcessingHost _host = null!;

    public BuiltSet Set { get; private set; } = null!;
    public IReadOnlyList<QueryOutcome> Outcomes { get; private set; } = [];
    public IReadOnlyList<ScreenTextReading> ScreenText { get; private set; } = [];

    public async Task InitializeAsync()
    {
        Set = await EvaluationSetBuilder.BuildAsync(EvaluationSet.Small, _temp.Combine("set"), CancellationToken.None);
        _host = await ProcessingHost.StartAsync(_temp.Combine("data"));
        var ids = await SearchQuality.IngestAsync(_host.Get<IServiceProvider>(), Set,
            task => _host.Events.WaitForFinishAsync(task, TimeSpan.FromMinutes(3)), CancellationToken.None);
        Outcomes = await SearchQuality.RankAsync(_host.Get<SearchService>(), Set, ids, CancellationToken.None);
        ScreenText = await SearchQuality.ScreenTextAsync(_host.Get<IServiceProvider>(), Set, ids, CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _temp.Dispose();
    }
}

public sealed class SearchQualityTests(SmallEvaluation evaluation) : IClassFixture<SmallEvaluation>
{
    [Theory]
    [InlineData(QueryKind.Exact)]
    [InlineData(QueryKind.WordForms)]
    [InlineData(QueryKind.Meaning)]
    public void FusedSearch_FindsEachKindOfQueryWithinTheFirstFiveHits_AsOftenAsTheGoalAsks(QueryKind kind)
    {
        var score = SearchQuality.Score(evaluation.Outcomes, kind, TextRanking.Fused);

        Assert.True(score.Queries >= 5, $"{score.Queries} {kind} queries");
        Assert.True(score.RecallAt5 >= SearchQuality.RecallAt5Goal(kind),
            $"recall@5 {score.RecallAt5:0.00}, goal {SearchQuality.RecallAt5Goal(kind)}:\n{SearchQuality.Misses(evaluation.Outcomes, evaluation.ScreenText)}");
    }

    [Fact]
    public void MeaningQueries_AreFoundByMeaningAlone_NotByTheirWords()
    {
        Assert.Equal(0, SearchQuality.Score(evaluation.Outcomes, QueryKind.Meaning, TextRanking.WordsOnly).RecallAt5);
        Assert.True(SearchQuality.Score(evaluation.Outcomes, QueryKind.Meaning, TextRanking.MeaningOnly).RecallAt5 >= SearchQuality.RecallAt5Goal(QueryKind.Meaning));
    }

    [Fact]
    public void PicturesWithNothingToRead_HaveNoOnScreenTextIndexed_AndWhatWasDrawnIsReadAsWriting()
    {
        var noiseOnly = evaluation.Set.Videos.Single(v => v.Plan is ScenesVideo { IsNoiseOnly: true }).Name;

        Assert.DoesNotContain(evaluation.ScreenText, r => r.Video == noiseOnly);
        Assert.DoesNotContain(evaluation.ScreenText, r => r.IsNoise);
        // Every slide and caption drawn was read (one segment each, re-reads merged), so "no noise" is not "no text".
        Assert.Equal(evaluation.Set.Videos.Sum(v => v.Drawn.Select(d => d.FromSeconds).Distinct().Count()), evaluation.ScreenText.Count);
    }
}
