namespace VaasWeb.Processing.Generation;

/// <summary>One MiniMax video model and what it accepts.</summary>
public sealed record VideoModel(string Name, IReadOnlyList<string> Resolutions, IReadOnlyList<int> Durations, FirstFrameUse FirstFrame, string Description);

public enum FirstFrameUse
{
    Optional,
    Required,
    NotAccepted,
}

/// <summary>
/// What MiniMax accepts (docs/minimax-api.md in the repository), checked before anything is stored or sent, so a request
/// MiniMax would refuse is refused here with a message that says what to change. S2V-01 needs a subject
/// reference image, which VaasWeb does not offer, so it is not listed.
/// </summary>
public static class GenerationRules
{
    public const int MaxPromptLength = 2000;
    public const int MaxNarrationLength = 10_000;

    /// <summary>MiniMax takes first frames up to 20 MB; ours are re-encoded JPEGs, far below.</summary>
    public const int MaxFirstFrameBytes = 20 * 1024 * 1024;

    public static readonly IReadOnlyList<VideoModel> Models =
    [
        new("MiniMax-Hailuo-2.3", ["768P", "1080P"], [6, 10], FirstFrameUse.Optional, "Newest; text or image to video"),
        new("MiniMax-Hailuo-2.3-Fast", ["768P", "1080P"], [6, 10], FirstFrameUse.Required, "Faster and cheaper; image to video only"),
        new("MiniMax-Hailuo-02", ["512P", "768P", "1080P"], [6, 10], FirstFrameUse.Optional, "Text or image to video"),
        new("T2V-01", ["720P"], [6], FirstFrameUse.NotAccepted, "Legacy text to video"),
        new("T2V-01-Director", ["720P"], [6], FirstFrameUse.NotAccepted, "Legacy text to video with camera commands"),
        new("I2V-01", ["720P"], [6], FirstFrameUse.Required, "Legacy image to video"),
        new("I2V-01-Director", ["720P"], [6], FirstFrameUse.Required, "Legacy image to video with camera commands"),
        new("I2V-01-live", ["720P"], [6], FirstFrameUse.Required, "Legacy image to video for illustrations"),
    ];

    public static VideoModel DefaultModel => Models[0];

    /// <summary>The prompt on one line, cut to <paramref name="maxLength"/> with an ellipsis; null when it is empty.</summary>
    public static string? Excerpt(string prompt, int maxLength)
    {
        var line = string.Join(' ', prompt.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return line.Length == 0 ? null : line.Length <= maxLength ? line : line[..(maxLength - 1)].TrimEnd() + "…";
    }

    public static VideoModel? Find(string? name) =>
        Models.FirstOrDefault(m => string.Equals(m.Name, name?.Trim(), StringComparison.OrdinalIgnoreCase));

    /// <summary>The problems with a request, in words; empty when MiniMax should accept it.</summary>
    public static IReadOnlyList<string> Check(string? prompt, string? model, int duration, string? resolution, bool hasFirstFrame, string? narration, string? voiceId)
    {
        var problems = new List<string>();
        var found = Find(model);
        if (found is null)
        {
            problems.Add($"model must be one of {string.Join(", ", Models.Select(m => m.Name))}.");
        }

        if (string.IsNullOrWhiteSpace(prompt) && !hasFirstFrame)
        {
            problems.Add("prompt is required (it may only be left out when a first frame is given).");
        }
        else if (prompt is { Length: > MaxPromptLength })
        {
            problems.Add($"prompt is {prompt.Length} characters; MiniMax takes at most {MaxPromptLength}.");
        }

        if (found is not null)
        {
            if (!found.Durations.Contains(duration))
            {
                problems.Add($"duration {duration} s is not offered by {found.Name}: use {string.Join(" or ", found.Durations)} seconds.");
            }

            if (!found.Resolutions.Contains(resolution?.Trim().ToUpperInvariant() ?? ""))
            {
                problems.Add($"resolution {resolution ?? "(none)"} is not offered by {found.Name}: use {string.Join(" or ", found.Resolutions)}.");
            }
            else if (string.Equals(resolution?.Trim(), "1080P", StringComparison.OrdinalIgnoreCase) && duration != 6)
            {
                problems.Add("1080P videos can only be 6 seconds long.");
            }

            switch (found.FirstFrame)
            {
                case FirstFrameUse.Required when !hasFirstFrame:
                    problems.Add($"{found.Name} makes a video from an image: give a first frame.");
                    break;
                case FirstFrameUse.NotAccepted when hasFirstFrame:
                    problems.Add($"{found.Name} makes videos from text only: leave out the first frame or pick another model.");
                    break;
            }
        }

        var hasNarration = !string.IsNullOrWhiteSpace(narration);
        if (hasNarration && narration!.Length > MaxNarrationLength)
        {
            problems.Add($"narration is {narration.Length} characters; at most {MaxNarrationLength}.");
        }

        if (hasNarration && string.IsNullOrWhiteSpace(voiceId))
        {
            problems.Add("narration needs a voice_id (see GET /api/generations/voices).");
        }

        return problems;
    }
}
