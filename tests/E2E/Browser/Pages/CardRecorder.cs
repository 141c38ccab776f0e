using System.Text.Json;
using Microsoft.Playwright;

namespace VaasWeb.Tests.E2E.Browser.Pages;

/// <summary>
/// Records, inside the page, every state and progress a task card shows, as it is rendered. Transitions that
/// last a fraction of a second are kept, so a test asserts the whole journey without racing the UI.
/// </summary>
public static class CardRecorder
{
    private const string Script = """
        (() => {
          window.__cards = [];
          window.__pageLoadedAt = Date.now();
          const seen = new Set();
          new MutationObserver(() => {
            for (const card of document.querySelectorAll('[data-testid=task-card]')) {
              const name = card.querySelector('[data-testid=task-name]')?.textContent?.trim();
              const state = card.getAttribute('data-state');
              const progress = parseFloat(card.querySelector('[data-testid=task-progress]')?.textContent ?? 'NaN');
              const key = `${name}|${state}|${progress}`;
              if (name && !seen.has(key)) { seen.add(key); window.__cards.push({ name, state, progress }); }
            }
          }).observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
        })();
        """;

    public static Task InstallAsync(IBrowserContext context) => context.AddInitScriptAsync(Script);

    public static async Task<IReadOnlyList<CardFrame>> ReadAsync(IPage page, string videoName)
    {
        var json = await page.EvaluateAsync<JsonElement>("() => window.__cards");
        return json.EnumerateArray()
            .Select(e => new CardFrame(e.GetProperty("name").GetString()!, e.GetProperty("state").GetString()!,
                e.GetProperty("progress").ValueKind == JsonValueKind.Number ? e.GetProperty("progress").GetDouble() : double.NaN))
            .Where(f => f.Name == videoName)
            .ToArray();
    }

    /// <summary>When the document was loaded; unchanged at the end of a test means the page never reloaded.</summary>
    public static Task<double> LoadedAtAsync(IPage page) => page.EvaluateAsync<double>("() => window.__pageLoadedAt");

    /// <summary>The states in the order they were shown, each once.</summary>
    public static string[] Journey(IEnumerable<CardFrame> frames) =>
        frames.Select(f => f.State).Aggregate(new List<string>(), (states, s) =>
        {
            if (states.Count == 0 || states[^1] != s)
            {
                states.Add(s);
            }

            return states;
        }).ToArray();
}

public sealed record CardFrame(string Name, string State, double Progress);
