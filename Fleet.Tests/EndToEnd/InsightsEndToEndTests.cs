using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Fleet.Device.Healing;
using Fleet.Device.Agent;
using Fleet.Device.Core;
using Fleet.Device.Inference;
using Fleet.Device.Monitoring;
using Fleet.Device.Simulation;
using Fleet.Shared.Learning;
using Fleet.Shared.Models;
using Fleet.Shared.Models.Packaging;
using Fleet.Shared.Onnx;
using Fleet.Shared.Onnx.Reading;
using Fleet.Shared.Protocol;
using Fleet.Shared.Time;
using Fleet.Tests.Cli;
using Fleet.Tests.Device;
using Fleet.Tests.Gateway.Distillation;
using Fleet.Tests.Gateway.Infrastructure;
using Xunit.Abstractions;

namespace Fleet.Tests.EndToEnd;

/// <summary>
/// The insight loop end to end: simulated devices (the device's real watchdog, healer and calibrated sketch noise, in
/// process, on real ONNX Runtime) run a model that is blind above a pitch while their input drifts there; their insights
/// travel over real Mosquitto to the real gateway, whose aggregator finds the failing region even with a poisoned minority;
/// a student distilled from a teacher only ONNX Runtime can run is better there than its parent and close to the teacher.
/// </summary>
public sealed class InsightsEndToEndTests(GatewayFixture gateway, ITestOutputHelper output) : IClassFixture<GatewayFixture>
{
    private const int HonestDevices = 17;
    private const int PoisonedDevices = 3;
    private const float PitchDrift = 0.45f;

    [Fact]
    public async Task DriftingFleet_DistilsAStudentBetterWhereItFailed_AndAPoisonedMinorityChangesNothingMaterial()
    {
        var vocoder = ReferenceModels.Build().Vocoder;
        var parent = DistillationRunnerTests.ParentBlindAbovePitch(0.5f);
        var parentBytes = await RegisterParentAndTeacherAsync(gateway, parent);

        // The honest fleet: each device runs the parent, warms up on clean input, then its pitch drifts up to where the parent is blind.
        var insights = Enumerable.Range(0, HonestDevices).Select(i => DriftInsight(parentBytes, seed: 100 + i)).ToList();
        Assert.All(insights, insight => Assert.Equal("laplace", insight.Noise?.Mechanism));
        for (var i = 0; i < HonestDevices; i++)
        {
            await PublishAsync($"e2e-ins-{i:00}", JsonNode.Parse(WireCodec.Encode<DeviceEvent>(insights[i]))!.AsObject());
        }

        var honest = await SummaryWhenAsync(HonestDevices);

        // A poisoned minority: the same signature, sketches wildly elsewhere.
        for (var i = 0; i < PoisonedDevices; i++)
        {
            await PublishAsync($"e2e-bad-{i}", Poisoned(insights[0].Signature));
        }

        var poisoned = await SummaryWhenAsync(HonestDevices + PoisonedDevices);
        var signature = honest.GetProperty("signatures")[0];
        Assert.Equal(signature.GetProperty("signature").GetString(), poisoned.GetProperty("signatures")[0].GetProperty("signature").GetString());
        Assert.Equal("vocoder/1.0.0/datadrift", signature.GetProperty("signature").GetString());
        var before = honest.GetProperty("region");
        var after = poisoned.GetProperty("region");
        Assert.Equal(HonestDevices, after.GetProperty("noisyDevices").GetInt32());
        for (var f = 0; f < 3; f++)
        {
            var shift = after.GetProperty("centroid")[f].GetDouble() - before.GetProperty("centroid")[f].GetDouble();
            var distance = TotalVariation(before.GetProperty("histograms")[f], after.GetProperty("histograms")[f]);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"feature {f}: centroid {before.GetProperty("centroid")[f].GetDouble():0.###} → {after.GetProperty("centroid")[f].GetDouble():0.###} with poison, histogram TV {distance:0.###}"));
            // 3 liars among 20 move a median by at most two honest order statistics, never towards the liars' values (tens
            // of units away): it stays between the honest devices' quartiles. The histograms are what the region sampler draws from.
            var honestCentroids = insights.Select(i => i.Region!.Value.GetProperty("centroid")[f].GetDouble()).Order().ToArray();
            var (q1, q3) = (honestCentroids[HonestDevices / 4], honestCentroids[HonestDevices * 3 / 4]);
            Assert.InRange(after.GetProperty("centroid")[f].GetDouble(), q1, q3);
            Assert.True(distance < 0.15, $"feature {f}: the poisoned minority moved the histogram by TV {distance}");

            // The liars put all their mass in bin 0 or 15; the median lets at most the honest devices' own noise in there
            // (a noisy honest device has a count or two in an empty bin), far from the liars' 100 %.
            foreach (var bin in new[] { 0, 15 })
            {
                var gained = after.GetProperty("histograms")[f][bin].GetDouble() - before.GetProperty("histograms")[f][bin].GetDouble();
                Assert.True(gained < 0.05, $"feature {f} bin {bin} gained {gained} of the mass from the liars");
            }
        }

        Assert.InRange(before.GetProperty("centroid")[0].GetDouble(), 0.6, 1.3);
        var shown = await CliRunner.RunAsync(["models", "insights", "1.0.0", "--id", "vocoder", "--url", gateway.Host.BaseAddress.ToString(), "--token", gateway.Host.ReaderToken]);
        Assert.Contains($"robust over {HonestDevices + PoisonedDevices} devices, {HonestDevices} with calibrated noise", shown.Output, StringComparison.Ordinal);

        var cli = await CliRunner.RunAsync(["models", "distill", "--id", "vocoder", "--from", "1.0.0", "--teacher", "2.0.0", "--url", gateway.Host.BaseAddress.ToString(), "--token", gateway.Host.OperatorToken]);
        output.WriteLine(cli.Output);
        Assert.True(cli.ExitCode == 0, cli.Error + cli.Output);

        // The student as devices get it: a package that passes its golden set in ONNX Runtime.
        var student = ModelPackageReader.Read(await gateway.Reader.GetByteArrayAsync("/api/v1/models/vocoder/1.0.1/artifact")).Package!;
        using (var session = InferenceSession.Create(student.Onnx))
        {
            Assert.True(GoldenValidator.Validate(session.Run, student.Golden).Passed);
        }

        var lineage = (await gateway.Reader.GetFromJsonAsync<JsonElement>("/api/v1/models/vocoder/1.0.1")).GetProperty("card").GetProperty("lineage");
        Assert.Equal(HonestDevices + PoisonedDevices, lineage.GetProperty("insightIds").GetArrayLength());

        // Errors against the truth (the synthesiser) on the inputs the drifting devices really saw.
        var region = DriftedInputs(800, PitchDrift);
        var parentError = ReferenceModels.RelativeError(Mlp.FromOnnx(OnnxModelReader.Read(parent.Onnx)), region);
        var studentError = ReferenceModels.RelativeError(Mlp.FromOnnx(OnnxModelReader.Read(student.Onnx)), region);
        var teacherError = ReferenceModels.RelativeError(vocoder.Network, region);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"on the failing region: parent {parentError:0.####}, student {studentError:0.####}, teacher {teacherError:0.####}"));
        Assert.True(studentError < 0.7 * parentError, $"student {studentError} vs parent {parentError}");
        Assert.True(studentError < (1.5 * teacherError) + 0.02, $"student {studentError} vs teacher {teacherError}");
    }

    /// <summary>
    /// Registers <paramref name="parent"/> as vocoder 1.0.0 and, as 2.0.0, a teacher only ONNX Runtime can run (the reference
    /// vocoder written as Gemm nodes) with its golden set; returns the parent's package bytes.
    /// </summary>
    internal static async Task<byte[]> RegisterParentAndTeacherAsync(GatewayFixture gateway, ModelPackage parent)
    {
        var network = ReferenceModels.Build().Vocoder.Network;
        var parentBytes = ModelPackageWriter.Write(parent);
        Assert.Equal(HttpStatusCode.Created, (await gateway.Operator.PutAsync("/api/v1/models/vocoder/1.0.0", new ByteArrayContent(parentBytes))).StatusCode);
        using var teacherUpload = new MultipartFormDataContent
        {
            { new ByteArrayContent(DistillationRunnerTests.GemmTeacher(network)), "model", "teacher.onnx" },
            { new StringContent(TeacherGolden(network).ToJson()), "golden", "golden.json" },
        };
        Assert.Equal(HttpStatusCode.Created, (await gateway.Operator.PutAsync("/api/v1/models/vocoder/2.0.0", teacherUpload)).StatusCode);
        return parentBytes;
    }

    /// <summary>One simulated device's insight: the parent as factory default, clean warm-up, then pitch drift until the healer reports.</summary>
    private static InsightEvent DriftInsight(byte[] parentPackage, int seed)
    {
        var directory = Directory.CreateTempSubdirectory("fleet-e2e-ins-");
        try
        {
            var time = DeviceTestKit.Clock();
            var remediation = RemediationOptions.Default with { InsightNoise = new InsightNoiseOptions("laplace", 1) };
            using var core = DeviceCoreFactory.Create(directory.FullName, WatchdogOptions.Default with { LatencyRatio = 1000 }, remediation, time, seed, () => 45.0, parentPackage);
            core.Healer.NoiseSource = new Random(seed);
            DeviceTestKit.WarmUp(core, time);
            core.Input.Offset[0] = PitchDrift;
            for (var w = 0; w < 10; w++)
            {
                if (DeviceTestKit.Window(core, time).Episode?.Insight is { Region: not null } insight)
                {
                    return insight;
                }
            }

            throw new InvalidOperationException($"device {seed}: no insight with a region after 10 drifted windows");
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    /// <summary><paramref name="count"/> frames of the simulated control stream with its pitch shifted by <paramref name="pitchDrift"/>, labelled by the synthesiser.</summary>
    internal static TrainingSet DriftedInputs(int count, float pitchDrift)
    {
        var stream = new ControlStream(seed: 900);
        stream.Offset[0] = pitchDrift;
        var inputs = new float[count * 3];
        var targets = new float[count * HarmonicSynth.FrameLength];
        for (var i = 0; i < count; i++)
        {
            // Frames apart, so the slow prosody covers its range.
            for (var skip = 0; skip < 7; skip++)
            {
                stream.Next(inputs.AsSpan(i * 3, 3));
            }

            HarmonicSynth.Render(inputs.AsSpan(i * 3, 3), targets.AsSpan(i * HarmonicSynth.FrameLength, HarmonicSynth.FrameLength));
        }

        return new TrainingSet(count, 3, HarmonicSynth.FrameLength, inputs, targets);
    }

    internal static GoldenSet TeacherGolden(Mlp network)
    {
        var inputs = ReferenceModels.SynthSet(16, seed: 12);
        var cases = Enumerable.Range(0, 16).Select(i => new GoldenCase(inputs.Input(i).ToArray(), network.Forward(inputs.Input(i)))).ToArray();
        return new GoldenSet(1, "vocoder", "x", "frame", ReferenceModels.GoldenTolerance, cases);
    }

    private static JsonObject Poisoned(string signature)
    {
        static JsonArray Bins(int hot) => new([.. Enumerable.Range(0, 16).Select(b => (JsonNode)(b == hot ? 500 : 0))]);
        return new JsonObject
        {
            ["type"] = "insight",
            ["signature"] = signature,
            ["diagnosis"] = "dataDrift",
            ["modelVersion"] = "1.0.0",
            ["region"] = new JsonObject
            {
                ["samples"] = 500,
                ["centroid"] = new JsonArray(50, -40, 90),
                ["stdDev"] = new JsonArray(30, 30, 30),
                ["histogramMin"] = -1,
                ["histogramMax"] = 2,
                ["histograms"] = new JsonArray(Bins(0), Bins(15), Bins(0)),
            },
            ["outcome"] = "unhealable",
        };
    }

    private async Task PublishAsync(string deviceId, JsonObject insight)
    {
        await using var device = await TestDevice.ConnectAsync(gateway.BrokerPort, deviceId, subscribe: false);
        await device.PublishAsync(TopicKind.Events, insight);
    }

    private async Task<JsonElement> SummaryWhenAsync(int devices)
    {
        var text = await Eventually.ValueAsync(async () =>
        {
            var response = await gateway.Reader.GetAsync("/api/v1/models/vocoder/1.0.0/insights");
            if (!response.IsSuccessStatusCode)
            {
                return null;
            }

            var summary = await response.Content.ReadFromJsonAsync<JsonElement>();
            return summary.GetProperty("region") is { ValueKind: JsonValueKind.Object } region && region.GetProperty("devices").GetInt32() == devices ? summary.GetRawText() : null;
        }, $"insights of {devices} devices aggregated");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static double TotalVariation(JsonElement a, JsonElement b) =>
        0.5 * a.EnumerateArray().Zip(b.EnumerateArray(), (x, y) => Math.Abs(x.GetDouble() - y.GetDouble())).Sum();
}
