using System.Security.Cryptography;
using Fleet.Shared.Learning;
using Fleet.Shared.Models;

namespace Fleet.Shared.Mcu;

/// <summary>
/// Quantises a Fleet MLP for Fleet.Mcu: per-channel int8 weights, int32 biases, Q31 rescales, calibration on the
/// device's own input stream, an int8 baseline histogram and a KL threshold from simulated clean windows.
/// </summary>
/// <remarks>
/// Supported: tanh hidden layers and an identity output, at most <see cref="MaxLayers"/> layers, inputs of at most
/// <see cref="MaxInputs"/> features and widths of at most <see cref="MaxWidth"/>. Anything else is refused with a
/// <see cref="NotSupportedException"/> naming what does not fit.
/// </remarks>
public static class McuExporter
{
    /// <summary>Most layers the C core runs.</summary>
    public const int MaxLayers = 5;

    /// <summary>Widest input.</summary>
    public const int MaxInputs = 16;

    /// <summary>Widest layer.</summary>
    public const int MaxWidth = 256;

    /// <summary>Quantises a model package's network with its golden set and baseline, as its card names it.</summary>
    /// <exception cref="Onnx.Reading.OnnxFormatException">The package's graph is not one Fleet reads.</exception>
    /// <exception cref="NotSupportedException">The network does not fit the C core.</exception>
    public static McuExport ExportPackage(Models.Packaging.ModelPackage package, McuExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(package);
        var network = Mlp.FromOnnx(Onnx.Reading.OnnxModelReader.Read(package.Onnx));
        return Export(network, package.Golden, package.Baseline, package.Card.Id, package.Card.ModelVersion, options);
    }

    /// <summary>Quantises <paramref name="network"/>; <paramref name="golden"/> and <paramref name="baseline"/> come from its package.</summary>
    public static McuExport Export(Mlp network, GoldenSet golden, BaselineHistogram baseline, string id, string version, McuExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(golden);
        ArgumentNullException.ThrowIfNull(baseline);
        options = (options ?? McuExportOptions.Default).Validate();
        CheckSupported(network, golden, baseline);

        var (low, high) = InputRange(golden, options);
        var inputScale = Math.Max(Math.Abs(low), Math.Abs(high)) / 127.0;
        if (!(inputScale > 0))
        {
            throw new NotSupportedException("the input range is [0, 0]: nothing to quantise");
        }

        var inputLow = Enumerable.Range(0, network.InputSize).Select(_ => McuRequant.ToInt8(low / inputScale)).ToArray();
        var inputHigh = Enumerable.Range(0, network.InputSize).Select(_ => McuRequant.ToInt8(high / inputScale)).ToArray();

        // The output scale covers every float output seen on the calibration stream and in the golden set.
        var sensor = new McuSensor(options.Seed);
        var calibration = new sbyte[options.CalibrationSamples][];
        var floatOutputs = new float[options.CalibrationSamples][];
        var peak = golden.Cases.SelectMany(c => c.Expected).Select(Math.Abs).DefaultIfEmpty(0f).Max();
        for (var s = 0; s < calibration.Length; s++)
        {
            calibration[s] = new sbyte[network.InputSize];
            sensor.Sample(inputLow, inputHigh, calibration[s]);
            floatOutputs[s] = network.Forward(Dequantize(calibration[s], inputScale));
            peak = Math.Max(peak, floatOutputs[s].Select(Math.Abs).Max());
        }

        var outputScale = peak > 0 ? peak / 127.0 : 1.0 / 127.0;
        var model = new McuModel(id, version, network.Sizes.ToArray(), McuActivation.Tanh, McuActivation.Identity,
            inputScale, outputScale, inputLow, inputHigh, QuantizeLayers(network, inputScale, outputScale));

        var binMap = BinMap(outputScale, baseline.Min, baseline.Max, baseline.Counts.Length);
        var counts = new uint[baseline.Counts.Length];
        double errorSquares = 0, energy = 0, maxError = 0;
        for (var s = 0; s < calibration.Length; s++)
        {
            var codes = model.Forward(calibration[s]);
            for (var o = 0; o < codes.Length; o++)
            {
                counts[binMap[codes[o] + 128]]++;
                var difference = (codes[o] * outputScale) - floatOutputs[s][o];
                errorSquares += difference * difference;
                energy += (double)floatOutputs[s][o] * floatOutputs[s][o];
                maxError = Math.Max(maxError, Math.Abs(difference));
            }
        }

        var goldenInputs = golden.Cases.Select(c => model.QuantizeInput(c.Input)).ToArray();
        var goldenExpected = goldenInputs.Select(i => model.Forward(i)).ToArray();
        var goldenError = 0.0;
        for (var c = 0; c < goldenExpected.Length; c++)
        {
            for (var o = 0; o < goldenExpected[c].Length; o++)
            {
                goldenError = Math.Max(goldenError, Math.Abs((goldenExpected[c][o] * outputScale) - golden.Cases[c].Expected[o]));
            }
        }

        var klMax = KlThreshold(model, binMap, counts, options);
        var image = McuImageWriter.Write(model, goldenInputs, goldenExpected, counts, binMap, klMax, options.WindowInferences);
        var error = new McuQuantizationError(energy > 0 ? Math.Sqrt(errorSquares / energy) : 0, maxError, goldenError, calibration.Length);
        return new McuExport(model, image, Convert.ToHexStringLower(SHA256.HashData(image)), goldenInputs, goldenExpected,
            baseline.Min, baseline.Max, counts, McuImageWriter.ChunkDigests(image), klMax, options.WindowInferences, error);
    }

    /// <summary>KL(window ‖ baseline) with a pseudo-count of 0.5 per bin, as Fleet.Shared.Health.KlDivergence.</summary>
    public static double WindowKl(ReadOnlySpan<uint> window, ReadOnlySpan<uint> baseline)
    {
        double windowTotal = 0, baselineTotal = 0;
        foreach (var c in window)
        {
            windowTotal += c;
        }

        foreach (var c in baseline)
        {
            baselineTotal += c;
        }

        var windowDenominator = windowTotal + (0.5 * window.Length);
        var baselineDenominator = baselineTotal + (0.5 * baseline.Length);
        var sum = 0.0;
        for (var b = 0; b < window.Length; b++)
        {
            var p = (window[b] + 0.5) / windowDenominator;
            var q = (baseline[b] + 0.5) / baselineDenominator;
            sum += p * Math.Log(p / q);
        }

        return Math.Max(0, sum);
    }

    private static float KlThreshold(McuModel model, byte[] binMap, uint[] baseline, McuExportOptions options)
    {
        var sensor = new McuSensor(options.Seed ^ 0xA5A5_5A5A);
        var input = new sbyte[model.InputSize];
        var window = new uint[baseline.Length];
        var kls = new double[options.ThresholdWindows];
        for (var w = 0; w < kls.Length; w++)
        {
            Array.Clear(window);
            for (var i = 0; i < options.WindowInferences; i++)
            {
                sensor.Sample(model.InputLow, model.InputHigh, input);
                foreach (var code in model.Forward(input))
                {
                    window[binMap[code + 128]]++;
                }
            }

            kls[w] = WindowKl(window, baseline);
        }

        Array.Sort(kls);
        var p99 = kls[(int)Math.Ceiling(0.99 * (kls.Length - 1))];
        return (float)Math.Max(options.KlFloor, options.KlMargin * p99);
    }

    private static McuLayer[] QuantizeLayers(Mlp network, double inputScale, double outputScale)
    {
        var layers = new McuLayer[network.LayerCount];
        var scale = inputScale;
        for (var l = 0; l < layers.Length; l++)
        {
            int inputs = network.Sizes[l], outputs = network.Sizes[l + 1];
            var last = l == layers.Length - 1;
            var weights = new sbyte[inputs * outputs];
            var biases = new int[outputs];
            var multipliers = new int[outputs];
            var shifts = new byte[outputs];
            var channelScales = new double[outputs];
            for (var j = 0; j < outputs; j++)
            {
                var peak = 0.0;
                for (var k = 0; k < inputs; k++)
                {
                    peak = Math.Max(peak, Math.Abs(network.Weights[l][(k * outputs) + j]));
                }

                var weightScale = peak > 0 ? peak / 127.0 : 1.0;
                channelScales[j] = weightScale;
                for (var k = 0; k < inputs; k++)
                {
                    weights[(j * inputs) + k] = McuRequant.ToInt8(network.Weights[l][(k * outputs) + j] / weightScale);
                }

                var accumulatorScale = scale * weightScale;
                var bias = Math.Round(network.Biases[l][j] / accumulatorScale, MidpointRounding.AwayFromZero);
                biases[j] = (int)Math.Clamp(bias, int.MinValue / 2, int.MaxValue / 2);
                // Hidden layers rescale to the tanh table's Q8 input; the last layer to the output codes.
                var (m, s) = McuRequant.Encode(last ? accumulatorScale / outputScale : accumulatorScale * 256.0);
                multipliers[j] = m;
                shifts[j] = (byte)s;
            }

            layers[l] = new McuLayer(inputs, outputs, weights, biases, multipliers, shifts, channelScales);
            scale = 1.0 / 127.0; // tanh codes
        }

        return layers;
    }

    /// <summary>Output code (offset by 128) → baseline bin, computed once here so the MCU needs no float to bin.</summary>
    private static byte[] BinMap(double outputScale, float min, float max, int bins)
    {
        var map = new byte[256];
        for (var code = -128; code <= 127; code++)
        {
            var bin = (int)Math.Floor(((code * outputScale) - min) / (max - min) * bins);
            map[code + 128] = (byte)Math.Clamp(bin, 0, bins - 1);
        }

        return map;
    }

    private static (float Low, float High) InputRange(GoldenSet golden, McuExportOptions options)
    {
        var inputs = golden.Cases.SelectMany(c => c.Input).ToArray();
        var low = options.InputMin ?? inputs.Min();
        var high = options.InputMax ?? inputs.Max();
        if (!(high > low))
        {
            throw new NotSupportedException($"the input range [{low}, {high}] is empty; pass the sensor's range (--input-range MIN:MAX)");
        }

        return (low, high);
    }

    private static float[] Dequantize(sbyte[] codes, double scale) => codes.Select(c => (float)(c * scale)).ToArray();

    private static void CheckSupported(Mlp network, GoldenSet golden, BaselineHistogram baseline)
    {
        if (network.LayerCount > MaxLayers)
        {
            throw new NotSupportedException($"the MCU core runs at most {MaxLayers} layers; this model has {network.LayerCount}");
        }

        if (network.InputSize > MaxInputs || network.Sizes.Any(s => s > MaxWidth))
        {
            throw new NotSupportedException($"the MCU core takes at most {MaxInputs} inputs and {MaxWidth} units per layer; this model is {string.Join("-", network.Sizes)}");
        }

        if (network.LayerCount > 1 && network.HiddenActivation != Activation.Tanh)
        {
            throw new NotSupportedException($"the MCU core's hidden activation is tanh; this model uses {network.HiddenActivation}");
        }

        if (network.OutputActivation != Activation.Identity)
        {
            throw new NotSupportedException($"the MCU core's output layer is linear; this model ends in {network.OutputActivation}");
        }

        if (golden.Cases.Count is 0 or > 255 || golden.Cases.Any(c => c.Input.Length != network.InputSize || c.Expected.Length != network.OutputSize))
        {
            throw new NotSupportedException("the golden set must have 1…255 cases matching the model's input and output widths");
        }

        if (baseline.Counts.Length is 0 or > 255 || !(baseline.Max > baseline.Min))
        {
            throw new NotSupportedException("the baseline histogram must have 1…255 bins over a non-empty range");
        }
    }
}
