using VaasWeb.Processing.Accounts;
using VaasWeb.Security;

namespace VaasWeb.Mcp;

/// <summary>The HTTP request a tool call came in on: who is calling (as the REST API sees them) and where VaasWeb is.</summary>
internal sealed class ToolCaller(IHttpContextAccessor accessor)
{
    private HttpContext Http => accessor.HttpContext ?? throw new InvalidOperationException("A tool ran outside an HTTP request.");

    public bool CanUpload => Http.User.CanUpload();

    public Actor Actor => Http.Actor();

    /// <summary>The request itself, for the handlers that read the caller from it (the queued-task cap).</summary>
    public HttpContext Request => Http;

    /// <summary>An app-relative URL (<c>/media/…</c>, <c>/videos/…</c>) as an absolute one: an agent fetches it from elsewhere.</summary>
    public string Absolute(string path)
    {
        var request = Http.Request;
        return $"{request.Scheme}://{request.Host}{request.PathBase}{path}";
    }
}
