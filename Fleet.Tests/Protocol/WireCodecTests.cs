using System.Text;
using System.Text.Json;
using Fleet.Shared.Health;
using Fleet.Shared.Protocol;

namespace Fleet.Tests.Protocol;

public sealed class WireCodecTests
{
    private static readonly DateTimeOffset Ts = new(2026, 11, 22, 4, 33, 26, 123, TimeSpan.Zero);

    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    private static void AssertReencodesIdentically<T>(T message, Func<byte[], WireResult<T>> decode)
        where T : class
    {
        var bytes = WireCodec.Encode(message);
        var decoded = decode(bytes);
        Assert.True(decoded.IsSuccess, decoded.Error?.ToString());
        Assert.Equal(Encoding.UTF8.GetString(bytes), Encoding.UTF8.GetString(WireCodec.Encode(decoded.Value)));
    }

    [Fact]
    public void EveryPayload_RoundTripsThroughTheWire()
    {
        AssertReencodesIdentically(new StatusMessage { Seq = 1, Epoch = 1795322120000, Ts = Ts, State = DeviceState.Online, Agent = "fleet-device/1.0.0" }, b => WireCodec.DecodeStatus(b));
        AssertReencodesIdentically(
            new ReportMessage
            {
                Seq = 7,
                Ts = Ts,
                DesiredVersion = 3,
                Model = new ModelInfo { Id = "vocoder", Version = "1.2.0", Sha256 = "9f", Source = ModelSource.KnownGood },
                Health = DeviceHealth.Healing,
                Thresholds = new ThresholdSettings { KlMax = 0.25 },
                CannotApply = new CannotApply { Version = 4, Reason = "signature does not verify" },
            },
            b => WireCodec.DecodeReport(b));
        AssertReencodesIdentically(new TelemetryMessage { Seq = 8, Window = 120, Kl = 0.013, LatencyP99Us = 410, Inferences = 1600 }, b => WireCodec.DecodeTelemetry(b));
        AssertReencodesIdentically<DeviceEvent>(
            new HealEvent
            {
                Seq = 9,
                Id = "h-17",
                Diagnosis = Diagnosis.DataDrift,
                Trigger = "kl",
                Rungs = [new HealRungResult { Rung = HealRung.RestoreTensors, Validation = ValidationVerdict.Fail, DurationMs = 3.1 }, new HealRungResult { Rung = HealRung.FactoryDefault, Validation = ValidationVerdict.Pass }],
                Outcome = HealOutcome.Healed,
            },
            b => WireCodec.DecodeEvent(b));
        AssertReencodesIdentically<DeviceEvent>(new InsightEvent { Seq = 10, Signature = "sig", Kl = new KlStatistics { Windows = 5, Mean = 0.3, Max = 0.9 }, Region = JsonDocument.Parse("{\"centroid\":[1,2]}").RootElement }, b => WireCodec.DecodeEvent(b));
        AssertReencodesIdentically<DeviceEvent>(new UpdateEvent { Seq = 11, DesiredVersion = 4, Outcome = UpdateOutcome.RolledBack, Reason = "validation failed" }, b => WireCodec.DecodeEvent(b));
        AssertReencodesIdentically<DeviceEvent>(new ValidationEvent { Seq = 12, CommandId = "c-1", Verdict = ValidationVerdict.Pass, Cases = 16, Failures = 0 }, b => WireCodec.DecodeEvent(b));
        AssertReencodesIdentically(
            new DesiredState { Version = 4, Model = new ModelManifest { Id = "vocoder", Version = "1.3.0", Url = "http://gw/a", Sha256 = "ab", Signature = "c2ln", AllowRollback = true } },
            b => WireCodec.DecodeDesired(b));
        AssertReencodesIdentically(new CommandRequest { Id = "c-42", Name = CommandNames.RestartModel, Args = JsonDocument.Parse("{}").RootElement }, b => WireCodec.DecodeCommand(b));
        AssertReencodesIdentically(new CommandResult { Seq = 13, Id = "c-42", Ok = false, Error = "unknown command" }, b => WireCodec.DecodeCommandResult(b));
    }

    [Fact]
    public void Encode_UsesCamelCaseNames_RfcTimestamps_AndOmitsAbsentSensors()
    {
        var json = Encoding.UTF8.GetString(WireCodec.Encode(new TelemetryMessage { Seq = 8, Ts = Ts, LatencyP50Us = 240, TemperatureC = 51.2 }));

        Assert.Equal("{\"v\":1,\"seq\":8,\"ts\":\"2026-11-22T04:33:26.123Z\",\"latencyP50Us\":240,\"temperatureC\":51.2}", json);
    }

    [Fact]
    public void LastWill_IsExactlyThePayloadTheProtocolDocuments() =>
        Assert.Equal("""{"v":1,"state":"offline","reason":"lost"}""", Encoding.UTF8.GetString(WireCodec.Encode(StatusMessage.LastWill)));

    [Fact]
    public void Encode_OfAnEvent_WritesItsTypeAndCamelCaseEnums()
    {
        var json = Encoding.UTF8.GetString(WireCodec.Encode(new HealEvent { Seq = 1, Id = "h", Diagnosis = Diagnosis.DataDrift, Outcome = HealOutcome.BudgetExhausted }));

        Assert.StartsWith("{\"type\":\"heal\"", json, StringComparison.Ordinal);
        Assert.Contains("\"diagnosis\":\"dataDrift\"", json, StringComparison.Ordinal);
        Assert.Contains("\"outcome\":\"budgetExhausted\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_AcceptsTheProtocolDocumentsExamples()
    {
        var heal = WireCodec.DecodeEvent(Utf8("""
            {"v":1,"seq":9,"ts":"2026-11-22T04:33:27Z","type":"heal","id":"h-17","diagnosis":"hardware","trigger":"digest",
             "rungs":[{"rung":"restoreTensors","validation":"pass","durationMs":3.1,"detail":"restored 1 tensor: dense1.weight"}],
             "outcome":"healed","modelVersion":"1.2.0"}
            """));
        var lastWill = WireCodec.DecodeStatus(Utf8("""{"v":1,"state":"offline","reason":"lost"}"""));
        var shell = WireCodec.DecodeStatus(Utf8("""{"v":1,"seq":1,"state":"online"}"""));
        var desired = WireCodec.DecodeDesired(Utf8("""
            {"v":1,"version":4,"ts":"2026-11-22T04:33:27+01:00",
             "model":{"id":"vocoder","version":"1.3.0","url":"http://gw:5080/api/v1/models/vocoder/1.3.0/artifact",
                      "sha256":"00","signature":"AA==","allowRollback":false},
             "thresholds":{"klMax":0.25}}
            """));
        var report = WireCodec.DecodeReport(Utf8("""
            {"v":1,"seq":7,"epoch":1795322120000,"ts":"2026-11-22T04:33:27Z","desiredVersion":3,
             "model":{"id":"vocoder","version":"1.2.0","sha256":"9f","source":"active"},
             "health":"healthy","thresholds":{"klMax":0.25},"agent":"fleet-device/1.0.0","cannotApply":null}
            """));
        var command = WireCodec.DecodeCommand(Utf8("""{"v":1,"id":"c-42","name":"restartModel","args":{}}"""));
        var update = WireCodec.DecodeEvent(Utf8("""{"type":"update","v":1,"seq":3,"desiredVersion":4,"modelVersion":"1.3.0","outcome":"committed"}"""));

        Assert.True(heal.IsSuccess, heal.Error?.ToString());
        var h = Assert.IsType<HealEvent>(heal.Value);
        Assert.Equal(HealRung.RestoreTensors, Assert.Single(h.Rungs).Rung);
        Assert.Equal(Diagnosis.Hardware, h.Diagnosis);
        Assert.True(lastWill is { IsSuccess: true, Value: { Seq: null, Reason: OfflineReason.Lost } });
        Assert.True(shell.IsSuccess);
        Assert.True(desired.IsSuccess, desired.Error?.ToString());
        Assert.Equal(new DateTimeOffset(2026, 11, 22, 3, 33, 27, TimeSpan.Zero), desired.Value!.Ts);
        Assert.True(report.IsSuccess, report.Error?.ToString());
        Assert.Null(report.Value!.CannotApply);
        Assert.True(command is { IsSuccess: true, Value.Name: CommandNames.RestartModel });
        Assert.IsType<UpdateEvent>(update.Value);
    }

    [Fact]
    public void Decode_IgnoresUnknownFields()
    {
        var result = WireCodec.DecodeTelemetry(Utf8("""{"v":1,"seq":2,"kl":0.1,"futureField":{"nested":[1,2,3]},"another":"x"}"""));

        Assert.True(result.IsSuccess, result.Error?.ToString());
        Assert.Equal(0.1, result.Value.Kl);
    }

    [Theory]
    [InlineData("""{"v":2,"seq":1,"state":"online"}""", WireErrorKind.UnsupportedVersion, "version 2")]
    [InlineData("""{"v":"1","seq":1,"state":"online"}""", WireErrorKind.UnsupportedVersion, "\"1\"")]
    [InlineData("""{"seq":1,"state":"online"}""", WireErrorKind.MissingVersion, "\"v\"")]
    [InlineData("""{"v":1,"seq":1,"state":"online" """, WireErrorKind.Malformed, "malformed")]
    [InlineData("""not json at all""", WireErrorKind.Malformed, "")]
    [InlineData("", WireErrorKind.Malformed, "")]
    [InlineData("null", WireErrorKind.Malformed, "not a JSON object")]
    [InlineData("[1,2]", WireErrorKind.Malformed, "not a JSON object")]
    [InlineData("""{"v":1,"seq":1,"state":"sleeping"}""", WireErrorKind.Invalid, "StatusMessage")]
    [InlineData("""{"v":1,"seq":1,"state":1}""", WireErrorKind.Invalid, "StatusMessage")]
    [InlineData("""{"v":1,"seq":1}""", WireErrorKind.Invalid, "state")]
    [InlineData("""{"v":1,"seq":1,"state":"online","ts":"yesterday"}""", WireErrorKind.Invalid, "RFC 3339")]
    public void DecodeStatus_RejectsBadPayloadsWithAReason(string payload, WireErrorKind kind, string reason)
    {
        var result = WireCodec.DecodeStatus(Utf8(payload));

        Assert.False(result.IsSuccess);
        Assert.Equal(kind, result.Error.Kind);
        Assert.Contains(reason, result.Error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"v":1,"seq":1,"type":"teleport","id":"x"}""")]
    [InlineData("""{"v":1,"seq":1,"id":"x","diagnosis":"hardware","outcome":"healed"}""")]
    [InlineData("""{"v":1,"type":"heal","id":"x","diagnosis":"hardware","outcome":"healed"}""")]
    [InlineData("""{"v":1,"seq":1,"type":"heal","id":null,"diagnosis":"hardware","outcome":"healed"}""")]
    [InlineData("""{"v":1,"seq":1,"type":"heal","id":"x","diagnosis":"cosmicRays","outcome":"healed"}""")]
    [InlineData("""{"v":1,"seq":1,"type":"heal","id":"x","diagnosis":"hardware","outcome":"healed","rungs":{"rung":"reload"}}""")]
    public void DecodeEvent_RejectsUnknownTypesAndSchemaViolations(string payload)
    {
        var result = WireCodec.DecodeEvent(Utf8(payload));

        Assert.False(result.IsSuccess);
        Assert.Equal(WireErrorKind.Invalid, result.Error.Kind);
    }

    [Fact]
    public void Decode_OfEveryTruncationAndByteFlip_NeverThrows()
    {
        var valid = WireCodec.Encode(new HealEvent
        {
            Seq = 9,
            Id = "h-17",
            Diagnosis = Diagnosis.Hardware,
            Rungs = [new HealRungResult { Rung = HealRung.Reload, Validation = ValidationVerdict.Pass, Detail = "ok" }],
            Outcome = HealOutcome.Healed,
        });
        var rng = new Random(5);
        var failures = 0;
        for (var length = 0; length < valid.Length; length++)
        {
            failures += WireCodec.DecodeEvent(valid.AsSpan(0, length)).IsSuccess ? 0 : 1;
        }

        for (var i = 0; i < 2_000; i++)
        {
            var mutated = (byte[])valid.Clone();
            mutated[rng.Next(mutated.Length)] = (byte)rng.Next(256);
            _ = WireCodec.DecodeEvent(mutated);
            _ = WireCodec.DecodeReport(mutated);
            _ = WireCodec.DecodeDesired(mutated);
        }

        Assert.Equal(valid.Length, failures);
    }

    [Fact]
    public void Decode_RejectsOversizedPayloads()
    {
        var huge = Utf8("{\"v\":1,\"seq\":1,\"state\":\"online\",\"pad\":\"" + new string('x', WireCodec.MaxPayloadBytes) + "\"}");

        Assert.Equal(WireErrorKind.Invalid, WireCodec.DecodeStatus(huge).Error?.Kind);
    }
    [Theory]
    [InlineData("telemetry", """{"v":1,"seq":1,"kl":1e400}""")]
    [InlineData("telemetry", """{"v":1,"seq":1,"latencyP99Us":-1e999}""")]
    [InlineData("telemetry", """{"v":1,"seq":1,"unknownField":[1,2,1e309]}""")]
    [InlineData("report", """{"v":1,"seq":1,"health":"healthy","thresholds":{"klMax":1e400}}""")]
    [InlineData("desired", """{"v":1,"version":1,"thresholds":{"klMax":1e400}}""")]
    [InlineData("event", """{"v":1,"seq":1,"type":"insight","signature":"s","kl":{"windows":1,"mean":1e400,"max":1}}""")]
    [InlineData("event", """{"v":1,"seq":1,"type":"insight","signature":"s","region":{"centroid":[1e400]}}""")]
    public void Decode_RejectsNonFiniteNumbers_EvenInUnknownFields(string kind, string payload)
    {
        var error = DecodeAs(kind, Utf8(payload));

        Assert.Equal(WireErrorKind.Invalid, error?.Kind);
        Assert.Contains("finite", error!.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"v":1,"seq":1,"state":"online","junk":"\ud800"}""")]
    [InlineData("""{"v":1,"seq":1,"state":"online","\udfff":1}""")]
    public void Decode_RejectsLoneSurrogatesSpelledAsEscapes(string payload) =>
        Assert.Equal(WireErrorKind.Invalid, WireCodec.DecodeStatus(Utf8(payload)).Error?.Kind);

    [Fact]
    public void Decode_RejectsInvalidUtf8_EvenInAnUnknownField()
    {
        var payload = Utf8("""{"v":1,"seq":1,"state":"online","junk":"ab"}""").ToList();
        payload.InsertRange(payload.Count - 3, new byte[] { 0xC3, 0x28, 0xFF });

        var result = WireCodec.DecodeStatus(payload.ToArray());

        Assert.Equal(WireErrorKind.Invalid, result.Error?.Kind);
        Assert.Contains("UTF-8", result.Error!.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("status", """{"v":1,"seq":-1,"state":"online"}""", "seq")]
    [InlineData("telemetry", """{"v":1,"seq":-5}""", "seq")]
    [InlineData("telemetry", """{"v":1,"seq":5,"epoch":-1}""", "epoch")]
    [InlineData("telemetry", """{"v":1,"seq":5,"inferences":-1}""", "inferences")]
    [InlineData("report", """{"v":1,"seq":-2,"health":"healthy"}""", "seq")]
    [InlineData("report", """{"v":1,"seq":2,"desiredVersion":-1,"health":"healthy"}""", "desiredVersion")]
    [InlineData("event", """{"v":1,"seq":-9,"type":"heal","id":"h","diagnosis":"hardware","outcome":"healed"}""", "seq")]
    [InlineData("event", """{"v":1,"seq":9,"type":"heal","id":"h","diagnosis":"hardware","outcome":"healed","trigger":"gremlins"}""", "gremlins")]
    [InlineData("event", """{"v":1,"seq":9,"type":"heal","id":" ","diagnosis":"hardware","outcome":"healed"}""", "id")]
    [InlineData("event", """{"v":1,"seq":9,"type":"heal","id":"h","diagnosis":"hardware","outcome":"healed","rungs":[null]}""", "rungs")]
    [InlineData("event", """{"v":1,"seq":9,"type":"insight","signature":""}""", "signature")]
    [InlineData("event", """{"v":1,"seq":9,"type":"insight","signature":"a\nb"}""", "signature")]
    [InlineData("result", """{"v":1,"seq":-1,"id":"c","ok":true}""", "seq")]
    [InlineData("command", """{"v":1,"id":"","name":"reportNow"}""", "id")]
    public void Decode_AppliesTheDocumentedRules_WithAReason(string kind, string payload, string reasonMentions)
    {
        var error = DecodeAs(kind, Utf8(payload));

        Assert.Equal(WireErrorKind.Invalid, error?.Kind);
        Assert.Contains(reasonMentions, error!.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("digest")]
    [InlineData("kl")]
    [InlineData("drift")]
    [InlineData("activations")]
    [InlineData("latency")]
    [InlineData("command")]
    [InlineData("artifact")]
    [InlineData("crash")]
    public void DecodeEvent_AcceptsEveryDocumentedTrigger(string trigger) =>
        Assert.True(WireCodec.DecodeEvent(Utf8($$"""{"v":1,"seq":1,"type":"heal","id":"h","diagnosis":"hardware","outcome":"healed","trigger":"{{trigger}}"}""")).IsSuccess);

    [Fact]
    public void DecodeEvent_OfAHealWithoutRungs_HasNoRungs()
    {
        var decoded = WireCodec.DecodeEvent(Utf8("""{"v":1,"seq":1,"type":"heal","id":"h","diagnosis":"compute","outcome":"budgetExhausted"}"""));

        Assert.True(decoded.IsSuccess, decoded.Error?.Message);
        Assert.Empty(((HealEvent)decoded.Value).Rungs);
    }

    [Fact]
    public void Decode_EnforcesTheIdLimit_TheStoreShares()
    {
        var atLimit = new string('h', WireLimits.MaxIdLength);
        var over = atLimit + "h";

        Assert.True(WireCodec.DecodeEvent(Utf8($$"""{"v":1,"seq":1,"type":"heal","id":"{{atLimit}}","diagnosis":"hardware","outcome":"healed"}""")).IsSuccess);
        var rejected = WireCodec.DecodeEvent(Utf8($$"""{"v":1,"seq":1,"type":"heal","id":"{{over}}","diagnosis":"hardware","outcome":"healed"}"""));
        Assert.Equal(WireErrorKind.Invalid, rejected.Error?.Kind);
        Assert.Contains($"at most {WireLimits.MaxIdLength}", rejected.Error!.Message, StringComparison.Ordinal);
        var longVersion = WireCodec.DecodeReport(Utf8($$$"""{"v":1,"seq":1,"health":"healthy","model":{"id":"m","version":"{{{over}}}","source":"active"}}"""));
        Assert.Equal(WireErrorKind.Invalid, longVersion.Error?.Kind);
    }

    [Fact]
    public void Decode_AcceptsAPayloadJustUnderTheLimit_AndRejectsOneJustOver()
    {
        const string head = "{\"v\":1,\"seq\":1,\"health\":\"healthy\",\"pad\":\"";
        const string tail = "\"}";
        var fits = Utf8(head + new string('x', WireLimits.MaxPayloadBytes - head.Length - tail.Length) + tail);
        var over = Utf8(head + new string('x', WireLimits.MaxPayloadBytes - head.Length - tail.Length + 1) + tail);

        Assert.True(WireCodec.DecodeReport(fits).IsSuccess);
        Assert.Equal(WireErrorKind.Invalid, WireCodec.DecodeReport(over).Error?.Kind);
    }

    private static WireError? DecodeAs(string kind, byte[] payload) => kind switch
    {
        "status" => WireCodec.DecodeStatus(payload).Error,
        "report" => WireCodec.DecodeReport(payload).Error,
        "telemetry" => WireCodec.DecodeTelemetry(payload).Error,
        "event" => WireCodec.DecodeEvent(payload).Error,
        "desired" => WireCodec.DecodeDesired(payload).Error,
        "command" => WireCodec.DecodeCommand(payload).Error,
        "result" => WireCodec.DecodeCommandResult(payload).Error,
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };
}
