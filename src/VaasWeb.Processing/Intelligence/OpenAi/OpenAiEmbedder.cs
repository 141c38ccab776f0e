using Microsoft.Extensions.Options;

namespace VaasWeb.Processing.Intelligence.OpenAi;

/// <summary><see cref="IEmbedder"/> on an OpenAI-compatible <c>/v1/embeddings</c> endpoint.</summary>
public sealed class OpenAiEmbedder(HttpClient httpClient, IOptions<IntelligenceOptions> options) : IEmbedder
{
    /// <summary>Texts per request: well under every server's input limit, and a failed request repeats little.</summary>
    internal const int BatchSize = 64;

    private readonly OpenAiHttp _http = new(httpClient, options.Value.Embeddings, "openai embeddings", "Intelligence:Embeddings");

    public async Task<IReadOnlyList<float[]>> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        var vectors = new List<float[]>(texts.Count);
        foreach (var batch in texts.Chunk(BatchSize))
        {
            var answer = await _http.PostJsonAsync<EmbeddingResponse>("v1/embeddings", new EmbeddingRequest(_http.Model, batch), cancellationToken);
            vectors.AddRange(InInputOrder(answer, batch.Length));
        }

        return vectors;
    }

    private float[][] InInputOrder(EmbeddingResponse answer, int count)
    {
        var data = answer.Data ?? [];
        if (data.Count != count)
        {
            throw _http.Fail($"the answer had {data.Count} vectors for {count} texts");
        }

        var vectors = new float[count][];
        for (var i = 0; i < count; i++)
        {
            // The index says which input a vector belongs to; the order of data is not promised. Servers that leave
            // the index out answer in input order.
            var index = data[i].Index ?? i;
            if (index < 0 || index >= count || vectors[index] is not null || data[i].Embedding is not { Length: > 0 } vector)
            {
                throw _http.Fail("the answer's vectors did not match the texts sent (missing, repeated or empty indexes)");
            }

            vectors[index] = vector;
        }

        return vectors;
    }

    private sealed record EmbeddingRequest(string? Model, IReadOnlyList<string> Input);

    private sealed record EmbeddingResponse(IReadOnlyList<EmbeddingData>? Data);

    private sealed record EmbeddingData(int? Index, float[]? Embedding);
}
