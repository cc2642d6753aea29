using System.Buffers.Binary;

namespace Fleet.Shared.Models;

/// <summary>Writes mono 16-bit PCM WAV files, so a person can listen to clean and corrupted model output.</summary>
public static class WavWriter
{
    /// <summary>Writes <paramref name="samples"/> (clipped to [-1, 1]) to <paramref name="path"/>.</summary>
    public static void Write(string path, ReadOnlySpan<float> samples, int sampleRate = HarmonicSynth.SampleRate)
    {
        using var stream = File.Create(path);
        Write(stream, samples, sampleRate);
    }

    /// <summary>Writes a WAV image to <paramref name="stream"/>.</summary>
    public static void Write(Stream stream, ReadOnlySpan<float> samples, int sampleRate = HarmonicSynth.SampleRate)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sampleRate);
        const int Channels = 1;
        const int BitsPerSample = 16;
        var dataBytes = samples.Length * 2;
        var buffer = new byte[44 + dataBytes];
        var span = buffer.AsSpan();
        "RIFF"u8.CopyTo(span);
        BinaryPrimitives.WriteInt32LittleEndian(span[4..], 36 + dataBytes);
        "WAVE"u8.CopyTo(span[8..]);
        "fmt "u8.CopyTo(span[12..]);
        BinaryPrimitives.WriteInt32LittleEndian(span[16..], 16);
        BinaryPrimitives.WriteInt16LittleEndian(span[20..], 1);
        BinaryPrimitives.WriteInt16LittleEndian(span[22..], Channels);
        BinaryPrimitives.WriteInt32LittleEndian(span[24..], sampleRate);
        BinaryPrimitives.WriteInt32LittleEndian(span[28..], sampleRate * Channels * BitsPerSample / 8);
        BinaryPrimitives.WriteInt16LittleEndian(span[32..], Channels * BitsPerSample / 8);
        BinaryPrimitives.WriteInt16LittleEndian(span[34..], BitsPerSample);
        "data"u8.CopyTo(span[36..]);
        BinaryPrimitives.WriteInt32LittleEndian(span[40..], dataBytes);
        for (var i = 0; i < samples.Length; i++)
        {
            var value = float.IsNaN(samples[i]) ? 0f : Math.Clamp(samples[i], -1f, 1f);
            BinaryPrimitives.WriteInt16LittleEndian(span[(44 + (2 * i))..], (short)MathF.Round(value * short.MaxValue));
        }

        stream.Write(buffer);
    }
}
