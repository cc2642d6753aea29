using Fleet.Device.Hardware;

namespace Fleet.Tests.Device.Hardware;

public sealed class BoardSensorsTests
{
    private const int SilentEvent = 6200;
    private const int AnswersEvent = 6201;

    [Theory]
    [InlineData("bme280:1:0x76", "Bme280", 1, 0x76, "bme280@1:0x76")]
    [InlineData("INA219:0:64", "Ina219", 0, 0x40, "ina219@0:0x40")]
    public void Parse_ReadsKindBusAndAddress(string text, string kind, int bus, int address, string name)
    {
        var (spec, problem) = BoardSensorSpec.Parse(text);
        Assert.Null(problem);
        Assert.Equal(new BoardSensorSpec(Enum.Parse<BoardSensorKind>(kind), bus, address), spec);
        Assert.Equal(name, spec!.Name);
    }

    [Theory]
    [InlineData("bme280:1", "KIND:BUS:ADDRESS")]
    [InlineData("dht22:1:0x40", "not a supported I²C sensor")]
    [InlineData("bme280:-1:0x76", "bus '-1'")]
    [InlineData("bme280:1:0x80", "7-bit")]
    [InlineData("bme280:1:0xZZ", "7-bit")]
    public void Parse_RefusesMalformedSpecs_WithTheReason(string text, string expected)
    {
        var (spec, problem) = BoardSensorSpec.Parse(text);
        Assert.Null(spec);
        Assert.Contains(expected, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void RealBindings_OnABusThisMachineDoesNotHave_AreReportedSilentEveryTime_AndLoggedOnce()
    {
        var bus = Enumerable.Range(200, 50).First(b => !File.Exists($"/dev/i2c-{b}"));
        var logger = new RecordingLogger();
        using var sensors = BoardSensors.Open(
            [new BoardSensorSpec(BoardSensorKind.Bme280, bus, 0x76), new BoardSensorSpec(BoardSensorKind.Ina219, bus, 0x40)], logger);

        for (var i = 0; i < 3; i++)
        {
            var (samples, silent) = sensors.Read();
            Assert.Empty(samples);
            Assert.Equal([$"bme280@{bus}:0x76", $"ina219@{bus}:0x40"], silent);
        }

        var warnings = logger.Messages(SilentEvent);
        Assert.Equal(2, warnings.Count);
        Assert.Contains($"bme280@{bus}:0x76 does not answer", warnings[0], StringComparison.Ordinal);
        Assert.Contains($"/dev/i2c-{bus}", warnings[0], StringComparison.Ordinal);
        Assert.Contains("keeps running", warnings[0], StringComparison.Ordinal);
    }

    [Fact]
    public void ASensorThatComesBack_IsLoggedOnceWhenItAnswers_AndOnceMoreIfItFallsSilentAgain()
    {
        var logger = new RecordingLogger();
        var flaky = new ScriptedSensor(new BoardSensorSpec(BoardSensorKind.Ina219, 1, 0x40), [false, false, true, true, false]);
        using var sensors = new BoardSensors([flaky], logger);

        var silent = Enumerable.Range(0, 5).Select(_ => sensors.Read().Silent.Count).ToList();

        Assert.Equal([1, 1, 0, 0, 1], silent);
        Assert.Equal(2, logger.Messages(SilentEvent).Count);
        Assert.Single(logger.Messages(AnswersEvent));
    }

    [Fact]
    public void AnAnsweringSensor_ReportsItsSample()
    {
        using var sensors = new BoardSensors([new ScriptedSensor(new BoardSensorSpec(BoardSensorKind.Bme280, 1, 0x77), [true])], new RecordingLogger());
        var (samples, silent) = sensors.Read();
        Assert.Equal([new BoardSample("bme280@1:0x77", 31.5, null)], samples);
        Assert.Empty(silent);
    }

    private sealed class ScriptedSensor(BoardSensorSpec spec, IReadOnlyList<bool> answers) : IBoardSensor
    {
        private int _reads;

        public BoardSensorSpec Spec => spec;

        public BoardSample Read() => answers[_reads++]
            ? new BoardSample(spec.Name, spec.Kind == BoardSensorKind.Bme280 ? 31.5 : null, spec.Kind == BoardSensorKind.Ina219 ? 5.1 : null)
            : throw new IOException("Error 121 performing I2C data transfer");

        public void Dispose()
        {
        }
    }
}
