using System.Collections;
using System.Text.Json;

namespace Fleet.Shared.Learning;

/// <summary>
/// Which weights of each tensor are kept (1) or pruned (0), by tensor name (<c>w{l}</c>). Kept next to a pruned
/// model so a device can un-prune critical layers from the dense weights.
/// </summary>
public sealed class SparsityMask
{
    private readonly Dictionary<string, BitArray> _kept;

    private SparsityMask(Dictionary<string, BitArray> kept) => _kept = kept;

    /// <summary>Tensor names the mask covers.</summary>
    public IEnumerable<string> TensorNames => _kept.Keys;

    /// <summary>True when element <paramref name="index"/> of <paramref name="tensor"/> is kept.</summary>
    public bool IsKept(string tensor, int index) => _kept[tensor][index];

    /// <summary>Fraction of covered weights that are pruned.</summary>
    public double Sparsity
    {
        get
        {
            long total = 0, pruned = 0;
            foreach (var bits in _kept.Values)
            {
                total += bits.Length;
                for (var i = 0; i < bits.Length; i++)
                {
                    pruned += bits[i] ? 0 : 1;
                }
            }

            return total == 0 ? 0 : pruned / (double)total;
        }
    }

    /// <summary>
    /// Zeroes the smallest-magnitude <paramref name="sparsity"/> fraction of every weight matrix of
    /// <paramref name="network"/> (in place; biases untouched) and returns the mask.
    /// </summary>
    public static SparsityMask MagnitudePrune(Mlp network, double sparsity)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentOutOfRangeException.ThrowIfNegative(sparsity);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(sparsity, 1.0);
        var kept = new Dictionary<string, BitArray>();
        for (var l = 0; l < network.LayerCount; l++)
        {
            var w = network.Weights[l];
            var prune = (int)Math.Round(w.Length * sparsity);
            // Ties broken by index so pruning is deterministic.
            var order = Enumerable.Range(0, w.Length).OrderBy(i => MathF.Abs(w[i])).ThenBy(i => i).ToArray();
            var bits = new BitArray(w.Length, true);
            for (var i = 0; i < prune; i++)
            {
                bits[order[i]] = false;
                w[order[i]] = 0f;
            }

            kept[$"w{l}"] = bits;
        }

        return new SparsityMask(kept);
    }

    /// <summary>Per-layer 0/1 multipliers aligned with <paramref name="network"/>'s weights (1 where uncovered).</summary>
    internal float[][] ToLayerMasks(Mlp network) => Enumerable.Range(0, network.LayerCount).Select(l =>
    {
        var m = new float[network.Weights[l].Length];
        var bits = _kept.GetValueOrDefault($"w{l}");
        for (var i = 0; i < m.Length; i++)
        {
            m[i] = bits is null || bits[i] ? 1f : 0f;
        }

        return m;
    }).ToArray();

    /// <summary>JSON: <c>{"v":1,"tensors":{"w0":{"count":N,"kept":"base64 bitmap, LSB first"}}}</c>.</summary>
    public string ToJson()
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteNumber("v", 1);
            writer.WriteNumber("sparsity", Math.Round(Sparsity, 6));
            writer.WriteStartObject("tensors");
            foreach (var (name, bits) in _kept)
            {
                var bytes = new byte[(bits.Length + 7) / 8];
                bits.CopyTo(bytes, 0);
                writer.WriteStartObject(name);
                writer.WriteNumber("count", bits.Length);
                writer.WriteString("kept", Convert.ToBase64String(bytes));
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Parses <see cref="ToJson"/> output.</summary>
    /// <exception cref="FormatException">The JSON is not a v1 sparsity mask.</exception>
    public static SparsityMask FromJson(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        if (!root.TryGetProperty("v", out var v) || v.GetInt32() != 1 || !root.TryGetProperty("tensors", out var tensors))
        {
            throw new FormatException("not a v1 sparsity mask");
        }

        var kept = new Dictionary<string, BitArray>();
        foreach (var tensor in tensors.EnumerateObject())
        {
            var count = tensor.Value.GetProperty("count").GetInt32();
            var bits = new BitArray(Convert.FromBase64String(tensor.Value.GetProperty("kept").GetString() ?? "")) { Length = count };
            kept[tensor.Name] = bits;
        }

        return new SparsityMask(kept);
    }
}
