using System.Net.Http.Headers;
using System.Text;

namespace VaasWeb.Tests.E2E.Support;

/// <summary>Raw tus 1.0 requests, spelled out, for protocol tests.</summary>
public sealed class TusClient(HttpClient http)
{
    public const string Endpoint = "/uploads/tus";

    public async Task<HttpResponseMessage> CreateAsync(long length, string? fileName = "clip.mp4", bool tusHeader = true)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Endpoint);
        if (tusHeader)
        {
            request.Headers.Add("Tus-Resumable", "1.0.0");
        }

        request.Headers.Add("Upload-Length", length.ToString());
        if (fileName is not null)
        {
            request.Headers.Add("Upload-Metadata", $"filename {Convert.ToBase64String(Encoding.UTF8.GetBytes(fileName))},filetype {Convert.ToBase64String("video/mp4"u8)}");
        }

        return await http.SendAsync(request);
    }

    public async Task<string> CreateUrlAsync(long length, string fileName = "clip.mp4")
    {
        var response = await CreateAsync(length, fileName);
        response.EnsureSuccessStatusCode();
        return response.Headers.Location!.ToString();
    }

    public async Task<HttpResponseMessage> PatchAsync(string url, long offset, ReadOnlyMemory<byte> bytes, string contentType = "application/offset+octet-stream")
    {
        using var request = new HttpRequestMessage(HttpMethod.Patch, url) { Content = new ReadOnlyMemoryContent(bytes) };
        request.Headers.Add("Tus-Resumable", "1.0.0");
        request.Headers.Add("Upload-Offset", offset.ToString());
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        return await http.SendAsync(request);
    }

    public async Task<HttpResponseMessage> HeadAsync(string url)
    {
        using var request = new HttpRequestMessage(HttpMethod.Head, url);
        request.Headers.Add("Tus-Resumable", "1.0.0");
        return await http.SendAsync(request);
    }

    public async Task<HttpResponseMessage> DeleteAsync(string url)
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, url);
        request.Headers.Add("Tus-Resumable", "1.0.0");
        return await http.SendAsync(request);
    }

    public static long Offset(HttpResponseMessage response) => long.Parse(response.Headers.GetValues("Upload-Offset").Single());
}
