using System.Text;
using System.Text.Json;
using Fleet.Shared.Health;
using Fleet.Shared.Protocol;

namespace Fleet.Tests.Protocol;

/// <summary>
/// Every topic kind's payload decoder against a million random and mutated payloads: decoding foreign
/// bytes must return a value (success or a reasoned failure), never throw, never hang, and allocate in
/// proportion to the bytes actually present.
/// </summary>
public sealed class WireCodecFuzzTests
{
    private const int Iterations = 1_000_000;
    private const int MaxInput = 2048;

    private static readonly DateTimeOffset Ts = new(2026, 12, 6, 4, 33, 26, 123, TimeSpan.Zero);

    /// <summary>The decoder the gateway or device applies to each topic kind's payload.</summary>
    private static readonly Dictionary<TopicKind, Func<byte[], int, (bool Ok, WireErrorKind? Error)>> Decoders = new()
    {
        [TopicKind.Report] = (b, n) => Outcome(WireCodec.DecodeReport(b.AsSpan(0, n))),
        [TopicKind.Telemetry] = (b, n) => Outcome(WireCodec.DecodeTelemetry(b.AsSpan(0, n))),
        [TopicKind.Events] = (b, n) => Outcome(WireCodec.DecodeEvent(b.AsSpan(0, n))),
        [TopicKind.Status] = (b, n) => Outcome(WireCodec.DecodeStatus(b.AsSpan(0, n))),
        [TopicKind.CommandResult] = (b, n) => Outcome(WireCodec.DecodeCommandResult(b.AsSpan(0, n))),
        [TopicKind.Desired] = (b, n) => Outcome(WireCodec.DecodeDesired(b.AsSpan(0, n))),
        [TopicKind.Command] = (b, n) => Outcome(WireCodec.DecodeCommand(b.AsSpan(0, n))),
    };

    /// <summary>Fragments spliced into payloads: the shapes that break JSON readers and binders.</summary>
    private static readonly byte[][] Fragments =
    [
        .. new[]
        {
            "\"v\":1", "\"v\":2", "\"v\":\"1\"", "\"v\":1e400", "\"v\":-1", "\"v\":2147483648", "null", "true", "{}", "[]", "\"\"",
            "1e308", "-1e309", "99999999999999999999999999", "0.0000000000000000000001", "NaN", "\"NaN\"", "-0", "01",
            "\"2026-13-45T25:61:61Z\"", "\"9999-12-31T23:59:59.9999999+14:00\"", "\"\\u0000\"", "\"\\ud800\"", "\"\\uDFFF\\uD800\"",
            "\"type\":\"heal\"", "\"type\":\"insight\"", "\"type\":\"update\"", "\"type\":\"validation\"", "\"type\":\"nope\"", "\"type\":7",
            "\"state\":\"online\"", "\"state\":\"ONLINE\"", "\"outcome\":\"healed\"", "\"health\":3", "\"rungs\":[{}]", "\"args\":[[[1]]]",
            new string('[', 40), new string('{', 40), "\"a\":" + new string('[', 33) + new string(']', 33), ",", ":", "}", "]", "\"",
        }.Select(Encoding.UTF8.GetBytes),
        [0xFF, 0xFE], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xEF, 0xBB, 0xBF], [0x00],
    ];

    [Fact]
    public async Task Decode_MillionRandomAndMutatedPayloadsOfEveryTopicKind_NeverThrows()
    {
        Assert.Equal(Enum.GetValues<TopicKind>().Order(), Decoders.Keys.Order());

        // Generous guard against a hang; the loop itself takes seconds.
        var outcome = await Task.Run(Fuzz).WaitAsync(TimeSpan.FromMinutes(5));

        foreach (var kind in Decoders.Keys)
        {
            var (decoded, bound, rejected) = outcome.PerKind[kind];

            // Reaching the binder means decoding, or failing the schema/limit checks behind the JSON reader.
            Assert.True(bound > Iterations / Decoders.Count / 50, $"{kind}: only {bound} mutated payloads reached the binder: mutations too destructive");
            Assert.True(decoded > Iterations / Decoders.Count / 500, $"{kind}: only {decoded} mutated payloads decoded");
            Assert.True(rejected > Iterations / Decoders.Count / 4, $"{kind}: only {rejected} rejected: mutations too gentle");
        }

        Assert.True(outcome.Errors.Count >= 4, $"only these failure kinds were seen: {string.Join(", ", outcome.Errors)}");

        // Bounded memory: JSON has no length prefixes, so allocation must follow the input's size.
        Assert.True(outcome.AllocatedPerInputByte < 64, $"decoders allocated {outcome.AllocatedPerInputByte:F1} bytes per input byte");
    }

    [Fact]
    public void Decode_PayloadOverTheLimit_IsRejectedWithoutParsing()
    {
        var huge = new byte[WireCodec.MaxPayloadBytes + 1];
        Array.Fill(huge, (byte)'[');
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();

        foreach (var decode in Decoders.Values)
        {
            Assert.Equal((false, WireErrorKind.Invalid), decode(huge, huge.Length));
        }

        Assert.True(GC.GetAllocatedBytesForCurrentThread() - allocatedBefore < 64 * 1024, "an oversized payload was read");
    }

    private sealed record FuzzOutcome(Dictionary<TopicKind, (long Decoded, long Bound, long Rejected)> PerKind, HashSet<WireErrorKind> Errors, double AllocatedPerInputByte);

    private static FuzzOutcome Fuzz()
    {
        var random = new Random(20261206);
        var seeds = Seeds();
        var kinds = Decoders.Keys.ToArray();
        var perKind = kinds.ToDictionary(k => k, _ => (Decoded: 0L, Bound: 0L, Rejected: 0L));
        var errors = new HashSet<WireErrorKind>();
        var allSeeds = seeds.Values.SelectMany(s => s).ToArray();
        var scratch = new byte[MaxInput * 2];
        long inputBytes = 0, allocated = 0;

        for (var i = 0; i < Iterations; i++)
        {
            var kind = kinds[i % kinds.Length];
            var length = i % 16 == 0
                ? RandomBytes(random, scratch)
                : Mutate(random, random.Next(4) == 0 ? Pick(random, allSeeds) : Pick(random, seeds[kind]), allSeeds, scratch);
            inputBytes += length;
            (bool Ok, WireErrorKind? Error) result;
            var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                result = Decoders[kind](scratch, length);
                _ = WireCodec.ReadVersion(scratch.AsSpan(0, length));
            }
            catch (Exception ex)
            {
                Assert.Fail($"{kind} decoder threw {ex.GetType().Name} for payload (base64) {Convert.ToBase64String(scratch, 0, length)}: {ex}");
                throw;
            }

            allocated += GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
            var (decoded, bound, rejected) = perKind[kind];
            var reachedBinder = result.Ok || result.Error == WireErrorKind.Invalid;
            perKind[kind] = (decoded + (result.Ok ? 1 : 0), bound + (reachedBinder ? 1 : 0), rejected + (result.Ok ? 0 : 1));
            if (result.Error is { } error)
            {
                errors.Add(error);
            }
        }

        return new FuzzOutcome(perKind, errors, (double)allocated / Math.Max(1, inputBytes));
    }

    private static (bool, WireErrorKind?) Outcome<T>(WireResult<T> result) => result.IsSuccess ? (true, null) : (false, result.Error.Kind);

    private static T Pick<T>(Random random, IReadOnlyList<T> items) => items[random.Next(items.Count)];

    private static int RandomBytes(Random random, byte[] scratch)
    {
        var n = random.Next(0, 256);
        if (random.Next(2) == 0)
        {
            random.NextBytes(scratch.AsSpan(0, n));
        }
        else
        {
            // Printable JSON-ish noise reaches deeper into the reader than arbitrary bytes.
            const string alphabet = "{}[]:,\"\\ 0123456789.eE+-tfnulrsav";
            for (var j = 0; j < n; j++)
            {
                scratch[j] = (byte)alphabet[random.Next(alphabet.Length)];
            }
        }

        return n;
    }

    /// <summary>One to four edits of a valid payload: bit flips, deletions, duplications, truncation, and splices of fragments or other seeds.</summary>
    private static int Mutate(Random random, byte[] seed, byte[][] seeds, byte[] scratch)
    {
        var buffer = new List<byte>(seed);
        for (var edits = random.Next(1, 5); edits > 0; edits--)
        {
            var at = random.Next(buffer.Count + 1);
            switch (random.Next(7))
            {
                case 0 when buffer.Count > 0:
                    var flip = random.Next(buffer.Count);
                    buffer[flip] ^= (byte)(1 << random.Next(8));
                    break;
                case 1 when buffer.Count > 0:
                    buffer.RemoveRange(Math.Min(at, buffer.Count - 1), random.Next(1, Math.Min(16, buffer.Count - Math.Min(at, buffer.Count - 1)) + 1));
                    break;
                case 2:
                    buffer.InsertRange(at, Pick(random, Fragments));
                    break;
                case 3 when buffer.Count > 0:
                    var from = random.Next(buffer.Count);
                    buffer.InsertRange(at, buffer.GetRange(from, Math.Min(buffer.Count - from, random.Next(1, 32))));
                    break;
                case 4:
                    buffer.RemoveRange(at, buffer.Count - at);
                    break;
                case 5:
                    var other = Pick(random, seeds);
                    var start = random.Next(other.Length);
                    buffer.InsertRange(at, other.AsSpan(start, Math.Min(other.Length - start, random.Next(1, 64))).ToArray());
                    break;
                default:
                    ReplaceValue(random, buffer);
                    break;
            }
        }

        var length = Math.Min(buffer.Count, scratch.Length);
        buffer.CopyTo(0, scratch, 0, length);
        return length;
    }

    /// <summary>Replaces the value after a random <c>":</c> with a fragment, keeping the rest of the document valid more often than blind edits do.</summary>
    private static void ReplaceValue(Random random, List<byte> buffer)
    {
        var colon = buffer.IndexOf((byte)':', random.Next(Math.Max(1, buffer.Count)));
        if (colon < 0)
        {
            return;
        }

        var end = colon + 1;
        var depth = 0;
        var inString = false;
        for (; end < buffer.Count; end++)
        {
            var c = buffer[end];
            if (inString)
            {
                inString = c != '"' || buffer[end - 1] == '\\';
                continue;
            }

            if (c == '"')
            {
                inString = true;
            }
            else if (c is (byte)'{' or (byte)'[')
            {
                depth++;
            }
            else if (c is (byte)'}' or (byte)']' || (c == ',' && depth == 0))
            {
                if (depth == 0)
                {
                    break;
                }

                depth--;
            }
        }

        buffer.RemoveRange(colon + 1, end - colon - 1);
        buffer.InsertRange(colon + 1, Pick(random, Fragments));
    }

    private static Dictionary<TopicKind, byte[][]> Seeds() => new()
    {
        [TopicKind.Status] =
        [
            WireCodec.Encode(new StatusMessage { Seq = 1, Epoch = 1795322120000, Ts = Ts, State = DeviceState.Online, Agent = "fleet-device/1.0.0" }),
            WireCodec.Encode(new StatusMessage { Seq = 2, Epoch = 1795322120000, Ts = Ts, State = DeviceState.Offline, Agent = "fleet-device/1.0.0" }),
        ],
        [TopicKind.Report] =
        [
            WireCodec.Encode(new ReportMessage
            {
                Seq = 7,
                Ts = Ts,
                DesiredVersion = 3,
                Model = new ModelInfo { Id = "vocoder", Version = "1.2.0", Sha256 = "9f", Source = ModelSource.KnownGood },
                Health = DeviceHealth.Healing,
                Thresholds = new ThresholdSettings { KlMax = 0.25 },
                CannotApply = new CannotApply { Version = 4, Reason = "signature does not verify" },
            }),
            WireCodec.Encode(new ReportMessage { Seq = 8, Ts = Ts, DesiredVersion = 0, Model = new ModelInfo { Id = "m", Version = "1", Sha256 = "00", Source = ModelSource.Active }, Health = DeviceHealth.Healthy }),
        ],
        [TopicKind.Telemetry] = [WireCodec.Encode(new TelemetryMessage { Seq = 8, Window = 120, Kl = 0.013, LatencyP99Us = 410, Inferences = 1600 })],
        [TopicKind.Events] =
        [
            WireCodec.Encode<DeviceEvent>(new HealEvent
            {
                Seq = 9,
                Id = "h-17",
                Diagnosis = Diagnosis.DataDrift,
                Trigger = "kl",
                Rungs = [new HealRungResult { Rung = HealRung.RestoreTensors, Validation = ValidationVerdict.Fail, DurationMs = 3.1 }],
                Outcome = HealOutcome.Healed,
            }),
            WireCodec.Encode<DeviceEvent>(new InsightEvent { Seq = 10, Signature = "sig", Kl = new KlStatistics { Windows = 5, Mean = 0.3, Max = 0.9 }, Region = JsonDocument.Parse("{\"centroid\":[1,2]}").RootElement }),
            WireCodec.Encode<DeviceEvent>(new UpdateEvent { Seq = 11, DesiredVersion = 4, Outcome = UpdateOutcome.RolledBack, Reason = "validation failed" }),
            WireCodec.Encode<DeviceEvent>(new ValidationEvent { Seq = 12, CommandId = "c-1", Verdict = ValidationVerdict.Pass, Cases = 16, Failures = 0 }),
        ],
        [TopicKind.Desired] =
        [
            WireCodec.Encode(new DesiredState { Version = 4, Model = new ModelManifest { Id = "vocoder", Version = "1.3.0", Url = "http://gw/a", Sha256 = "ab", Signature = "c2ln", AllowRollback = true } }),
        ],
        [TopicKind.Command] = [WireCodec.Encode(new CommandRequest { Id = "c-42", Name = CommandNames.RestartModel, Args = JsonDocument.Parse("{\"x\":[1,\"y\"]}").RootElement })],
        [TopicKind.CommandResult] =
        [
            WireCodec.Encode(new CommandResult { Seq = 13, Id = "c-42", Ok = false, Error = "unknown command" }),
            WireCodec.Encode(new CommandResult { Seq = 14, Id = "c-43", Ok = true }),
        ],
    };
}
