using System.Numerics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using VaasWeb.Processing.Data;
using VaasWeb.Processing.Tasks;

namespace VaasWeb.Processing.Search;

/// <summary>
/// Every segment's vector in one block of memory, unit length, so ranking by meaning is one pass of dot products
/// (SIMD) instead of reading every row from the database per search: about 40,000 vectors per 100 hours of video,
/// 60 MB at 384 dimensions, a few milliseconds a query. The block is the database's, re-read when it changes: each
/// search compares a signature (how many vectors, the newest id, the last ingestion to end, on any node) and a
/// change rebuilds the block once while searches go on with the one they have.
/// </summary>
public sealed class VectorIndex(IDbContextFactory<VaasDbContext> dbFactory, ILogger<VectorIndex> logger)
{
    private readonly SemaphoreSlim _rebuild = new(1, 1);
    private Block? _block;

    /// <summary>
    /// The ids of the segments closest in meaning to <paramref name="query"/>, closest first, none less alike than
    /// <paramref name="minSimilarity"/> (cosine); vectors of another size (another model) are left out.
    /// </summary>
    public async Task<IReadOnlyList<long>> NearestAsync(float[] query, Guid? videoId, int limit, double minSimilarity, CancellationToken cancellationToken)
    {
        var block = await CurrentAsync(cancellationToken);
        if (block.Count == 0 || block.Dimensions != query.Length)
        {
            return [];
        }

        var target = Normalized(query);
        var best = new PriorityQueue<long, float>(limit + 1);
        var rows = block.Vectors.AsSpan();
        for (var row = 0; row < block.Count; row++)
        {
            if (videoId is { } only && block.Videos[row] != only)
            {
                continue;
            }

            var similarity = Dot(target, rows.Slice(row * block.Dimensions, block.Dimensions));
            if (similarity < minSimilarity)
            {
                continue;
            }

            if (best.Count < limit)
            {
                best.Enqueue(block.Ids[row], similarity);
            }
            else if (best.TryPeek(out _, out var worst) && similarity > worst)
            {
                best.DequeueEnqueue(block.Ids[row], similarity);
            }
        }

        var closest = new long[best.Count];
        for (var i = closest.Length - 1; i >= 0; i--)
        {
            closest[i] = best.Dequeue();
        }

        return closest;
    }

    /// <summary>The dot product of two vectors of one length (SIMD); for unit vectors, their cosine.</summary>
    public static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var sum = Vector<float>.Zero;
        var i = 0;
        for (; i <= a.Length - Vector<float>.Count; i += Vector<float>.Count)
        {
            sum += new Vector<float>(a[i..]) * new Vector<float>(b[i..]);
        }

        var total = Vector.Sum(sum);
        for (; i < a.Length; i++)
        {
            total += a[i] * b[i];
        }

        return total;
    }

    private static float[] Normalized(float[] vector)
    {
        var length = MathF.Sqrt(Dot(vector, vector));
        return length > 0 ? vector.Select(c => c / length).ToArray() : vector;
    }

    private async Task<Block> CurrentAsync(CancellationToken cancellationToken)
    {
        var signature = await SignatureAsync(cancellationToken);
        if (_block is { } current && current.Signature == signature)
        {
            return current;
        }

        await _rebuild.WaitAsync(cancellationToken);
        try
        {
            if (_block is { } rebuilt && rebuilt.Signature == signature)
            {
                return rebuilt;
            }

            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            var block = await LoadAsync(signature, cancellationToken);
            logger.LogDebug("Read {Count} vectors into the search block in {Milliseconds:0} ms", block.Count, System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            _block = block;
            return block;
        }
        finally
        {
            _rebuild.Release();
        }
    }

    /// <summary>What changes whenever vectors do: a video's vectors are replaced only by an ingestion, which then ends.</summary>
    private async Task<Signature> SignatureAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var count = await db.TextEmbeddings.CountAsync(cancellationToken);
        var newest = count == 0 ? 0 : await db.TextEmbeddings.MaxAsync(e => e.TextSegmentId, cancellationToken);
        var lastEnded = await db.Tasks.AsNoTracking().Where(t => t.Kind == TaskKind.Ingestion && t.FinishedAt != null)
            .OrderByDescending(t => t.FinishedAt).Select(t => t.FinishedAt).FirstOrDefaultAsync(cancellationToken);
        return new Signature(count, newest, lastEnded);
    }

    private async Task<Block> LoadAsync(Signature signature, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var ids = new List<long>(signature.Count);
        var videos = new List<Guid>(signature.Count);
        float[] vectors = [];
        var dimensions = 0;
        await foreach (var row in db.TextEmbeddings.AsNoTracking().Select(e => new { e.TextSegmentId, e.VideoId, e.Vector }).AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            var vector = Normalized(TextEmbedding.Unpack(row.Vector));
            if (dimensions == 0)
            {
                dimensions = vector.Length;
                vectors = new float[Math.Max(signature.Count, 1) * dimensions];
            }

            // Vectors of another size come from another model (the embedder was changed; re-run those ingestions).
            if (vector.Length != dimensions || ids.Count * dimensions >= vectors.Length)
            {
                continue;
            }

            vector.CopyTo(vectors, ids.Count * dimensions);
            ids.Add(row.TextSegmentId);
            videos.Add(row.VideoId);
        }

        return new Block(signature, [.. ids], [.. videos], dimensions, vectors);
    }

    private sealed record Signature(int Count, long Newest, DateTimeOffset? LastIngestionEnded);

    private sealed record Block(Signature Signature, long[] Ids, Guid[] Videos, int Dimensions, float[] Vectors)
    {
        public int Count => Ids.Length;
    }
}
