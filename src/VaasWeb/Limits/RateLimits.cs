using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using VaasWeb.Processing.Settings;
using VaasWeb.Security;

namespace VaasWeb.Limits;

/// <summary>
/// Per-account rate limits on the requests that cost the server (uploads, ingestions, generations, searches, MCP
/// calls), on ASP.NET Core's limiter. The bucket is the signed-in account: an API key acts as its owner, so a
/// person's keys and their cookie share one bucket (more keys do not buy more requests). Each node counts for
/// itself: behind a load balancer over N nodes an account may get up to N times the limit.
/// </summary>
internal static class RateLimits
{
    public static string PolicyName(LimitKind kind) => $"limit-{kind.ToString().ToLowerInvariant()}";

    /// <summary>The <c>Limits</c> settings, the per-account rate-limit policies and the queued-task cap.</summary>
    public static IServiceCollection AddVaasLimits(this IServiceCollection services)
    {
        services.AddCheckedOptions<LimitsOptions, LimitsOptionsValidator>(LimitsOptions.Section);
        services.AddSingleton<QueuedTaskCap>();
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<LimitsOptions>>((options, limits) =>
        {
            foreach (var kind in Enum.GetValues<LimitKind>())
            {
                options.AddPolicy(PolicyName(kind), new AccountPolicy(kind, limits.Value));
            }
        });
        return services;
    }

    /// <summary>Counts the endpoint's requests in the account's bucket of <paramref name="kind"/>.</summary>
    public static TBuilder RequireLimit<TBuilder>(this TBuilder builder, LimitKind kind) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireRateLimiting(PolicyName(kind));

    /// <summary>Whole seconds until the window has room again (never 0, which would invite an immediate retry).</summary>
    public static int RetryAfterSeconds(TimeSpan? retryAfter, TimeSpan window) =>
        Math.Max(1, (int)Math.Ceiling((retryAfter ?? window).TotalSeconds));

    /// <summary>The 429's sentence: what was counted, the limit, the setting, and when to try again.</summary>
    public static string Sentence(LimitKind kind, RateWindow window, int retryAfterSeconds) => string.Create(CultureInfo.InvariantCulture,
        $"Too many {Noun(kind)} from your account: the limit is {window.PermitLimit} per {Duration(window.Window)} (Limits:{kind}). Try again in {retryAfterSeconds} s.");

    private static string Noun(LimitKind kind) => kind switch
    {
        LimitKind.Upload => "uploads",
        LimitKind.Process => "process-video requests",
        LimitKind.Generation => "generation requests",
        LimitKind.Search => "searches, clips and questions",
        _ => "MCP calls",
    };

    private static string Duration(TimeSpan window) => window.TotalSeconds switch
    {
        var s when s >= 3600 && s % 3600 == 0 => $"{s / 3600:0} h",
        var s when s >= 60 && s % 60 == 0 => $"{s / 60:0} min",
        var s => string.Create(CultureInfo.InvariantCulture, $"{s:0.###} s"),
    };

    /// <summary>One fixed window per account and kind; anonymous callers are left to authorization, admins pass by default.</summary>
    private sealed class AccountPolicy(LimitKind kind, LimitsOptions options) : IRateLimiterPolicy<string>
    {
        private const string Unlimited = "";

        private readonly RateWindow _window = options.For(kind);

        public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected => RejectAsync;

        public RateLimitPartition<string> GetPartition(HttpContext http)
        {
            var user = http.User;
            if (_window.IsOff || user.UserId() is not { } id || (options.ExemptAdmins && user.IsAdmin()))
            {
                return RateLimitPartition.GetNoLimiter(Unlimited);
            }

            return RateLimitPartition.GetFixedWindowLimiter(id, _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = _window.PermitLimit,
                Window = _window.Window,
                QueueLimit = 0,
                AutoReplenishment = true,
            });
        }

        // An expected answer, not an error: nothing is logged above the limiter's own debug line.
        private async ValueTask RejectAsync(OnRejectedContext context, CancellationToken cancellationToken)
        {
            var retryAfter = RetryAfterSeconds(
                context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : null, _window.Window);
            var http = context.HttpContext;
            http.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
            await TypedResults.Problem(Sentence(kind, _window, retryAfter), statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests")
                .ExecuteAsync(http);
        }
    }
}
