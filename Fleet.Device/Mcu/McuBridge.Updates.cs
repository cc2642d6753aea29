using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Fleet.Device.Updates;
using Fleet.Shared.Diagnostics;
using Fleet.Shared.Mcu;
using Fleet.Shared.Onnx.Reading;
using Fleet.Shared.Protocol;

namespace Fleet.Device.Mcu;

/// <summary>
/// Desired state for the MCU: PROTOCOL.md's desired state becomes the link's flat desired frame (docs/MCU-LINK.md).
/// A model the MCU does not run yet is downloaded and verified here exactly as fleet-device verifies its own
/// (<see cref="ModelUpdater.Verify"/>: SHA-256, fleet signature, package, card), quantised for the MCU as
/// <c>fleet models export-mcu</c> does, announced with the image's size and SHA-256, and sent in acknowledged
/// chunks; the MCU decides and reports the outcome (update event, report). A refusal here is sent down as the
/// frame's <c>refused</c> reason, so the MCU reports it as its <c>cannotApply</c>.
/// </summary>
internal sealed partial class McuBridge
{
    /// <summary>Image bytes per <see cref="McuFrameType.ImageData"/> frame (the payload's 4-byte offset included, the link's maximum).</summary>
    public const int ImageChunk = McuLinkCodec.MaxPayload - 4;

    private static readonly TimeSpan AckPatience = TimeSpan.FromSeconds(10);
    private const int AckAttempts = 3;

    private async Task UpdateLoopAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (await _desired.Reader.WaitToReadAsync(cancellationToken))
            {
                // What the MCU runs decides what to send: wait for its report (the retained desired state arrives
                // right after the hub subscribes, usually before the MCU has answered the sync).
                await Volatile.Read(ref _reportSeen).Task.WaitAsync(cancellationToken);
                DesiredState? latest = null;
                while (_desired.Reader.TryRead(out var next))
                {
                    latest = latest is null || next.Version >= latest.Version ? next : latest;
                }

                if (latest is null || (Volatile.Read(ref _reported) is { } reported && latest.Version <= reported.DesiredVersion))
                {
                    continue; // the MCU has processed it (the retained desired state arrives again after every connection)
                }

                try
                {
                    await ApplyAsync(latest, cancellationToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException && !ex.IsFatal())
                {
                    // The MCU has not processed the version: the gateway sends it again, and the hub tries again.
                    await log.WriteLineAsync($"fleet-device: MCU {_deviceId}: desired version {latest.Version} not delivered: {ex.Message}");
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async Task ApplyAsync(DesiredState desired, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        byte[]? image = null;
        // Relaxed escaping: the MCU reads no escapes, and LinkText already keeps strings to printable ASCII without " or \.
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteNumber("v", 1);
            json.WriteNumber("version", desired.Version);
            if (desired.Thresholds?.KlMax is { } klMax)
            {
                // The MCU reads decimals without an exponent.
                json.WritePropertyName("klMax");
                json.WriteRawValue(klMax.ToString("0.0#####", CultureInfo.InvariantCulture));
            }

            if (desired.Model is { } model)
            {
                json.WriteString("modelId", LinkText(model.Id));
                json.WriteString("modelVersion", LinkText(model.Version));
                var running = Volatile.Read(ref _reported)?.Model;
                // The MCU refuses another model id itself, and needs no image for the version it already runs.
                if (running is not null && running.Id == model.Id && (running.Version != model.Version || running.Source != ModelSource.Active))
                {
                    var (bytes, refusal) = await ImageAsync(model, running, cancellationToken);
                    if (bytes is null)
                    {
                        json.WriteString("refused", LinkText(refusal!));
                        await log.WriteLineAsync($"fleet-device: MCU {_deviceId}: model {model.Id} {model.Version} refused: {refusal}");
                    }
                    else
                    {
                        image = bytes;
                        json.WriteNumber("imageSize", bytes.Length);
                        json.WriteString("imageSha256", Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)));
                    }
                }
            }

            json.WriteEndObject();
        }

        await WriteFrameAsync(McuFrameType.Desired, buffer.ToArray(), cancellationToken);
        if (image is not null)
        {
            await SendImageAsync(image, cancellationToken);
        }
    }

    /// <summary>The MCU image of a desired model: downloaded, verified with the fleet key, quantised; or why not.</summary>
    private async Task<(byte[]? Image, string? Refusal)> ImageAsync(ModelManifest model, ModelInfo running, CancellationToken cancellationToken)
    {
        if (fleetKey is null)
        {
            return (null, "no fleet key is configured; the hub accepts no model updates");
        }

        if (ModelUpdater.CheckManifest(model, running.Id, running.Version) is { } refusal)
        {
            return (null, refusal);
        }

        var (bytes, problem) = await ModelUpdater.DownloadAsync(http, model, cancellationToken);
        if (bytes is null)
        {
            return (null, problem);
        }

        var (package, invalid) = ModelUpdater.Verify(fleetKey, model, bytes);
        if (package is null)
        {
            return (null, invalid);
        }

        McuExport export;
        try
        {
            export = McuExporter.ExportPackage(package, new McuExportOptions(InputMin: options.InputRange?.Min, InputMax: options.InputRange?.Max));
        }
        catch (Exception ex) when (ex is OnnxFormatException or NotSupportedException or ArgumentException)
        {
            return (null, $"cannot quantise it for the MCU: {ex.Message}");
        }

        return export.Error.RelativeRms > options.MaxError
            ? (null, FormattableString.Invariant($"its int8 error {export.Error.RelativeRms:F4} exceeds {options.MaxError}"))
            : (export.Image, null);
    }

    /// <summary>Sends the image in acknowledged chunks (stop and wait: a UART has no flow control), then the end frame.</summary>
    private async Task SendImageAsync(byte[] image, CancellationToken cancellationToken)
    {
        var payload = new byte[McuLinkCodec.MaxPayload];
        for (var offset = 0; offset < image.Length; offset += ImageChunk)
        {
            var length = Math.Min(ImageChunk, image.Length - offset);
            BinaryPrimitives.WriteUInt32LittleEndian(payload, (uint)offset);
            image.AsSpan(offset, length).CopyTo(payload.AsSpan(4));
            var status = await SendAcknowledgedAsync(McuFrameType.ImageData, payload.AsMemory(0, length + 4), cancellationToken);
            if (status != 0)
            {
                await log.WriteLineAsync($"fleet-device: MCU {_deviceId}: image transfer stopped at byte {offset} ({Status(status)})");
                return;
            }
        }

        var end = await SendAcknowledgedAsync(McuFrameType.ImageEnd, ReadOnlyMemory<byte>.Empty, cancellationToken);
        await log.WriteLineAsync($"fleet-device: MCU {_deviceId}: image of {image.Length} bytes sent; the MCU {(end == 0 ? "installed it" : "refused it (" + Status(end) + ")")}");
    }

    /// <summary>Sends a frame and waits for its ACK (resending up to <see cref="AckAttempts"/> times); the MCU's status byte.</summary>
    private async Task<sbyte> SendAcknowledgedAsync(McuFrameType type, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var waiter = new AckWaiter(type);
            Volatile.Write(ref _ack, waiter);
            await WriteFrameAsync(type, payload, cancellationToken, waiter);
            try
            {
                return await waiter.Task.WaitAsync(AckPatience, time, cancellationToken);
            }
            catch (TimeoutException) when (attempt < AckAttempts)
            {
                await log.WriteLineAsync($"fleet-device: MCU {_deviceId}: no ACK for {type} (attempt {attempt}); sending it again");
            }
            catch (TimeoutException)
            {
                throw new IOException($"the MCU did not acknowledge {type} after {AckAttempts} attempts");
            }
        }
    }

    private static string Status(sbyte status) => status switch
    {
        -2 => "no image expected, a malformed frame, or not a valid image of the desired model",
        -3 => "out of order, out of bounds or incomplete",
        -4 => "SHA-256 mismatch or failed golden validation",
        -6 => "cannot be written or does not fit the SRAM",
        _ => $"status {status}",
    };

    /// <summary>The link's strings are printable ASCII without quotes or backslashes (the MCU's reader takes no escapes).</summary>
    private static string LinkText(string text)
    {
        var builder = new StringBuilder(Math.Min(text.Length, 96));
        foreach (var c in text)
        {
            if (builder.Length == 96)
            {
                break;
            }

            builder.Append(c is >= ' ' and <= '~' and not '"' and not '\\' ? c : '\'');
        }

        return builder.ToString();
    }

    /// <summary>The ACK an acknowledged frame waits for: its type and sequence.</summary>
    private sealed class AckWaiter(McuFrameType type)
    {
        private readonly TaskCompletionSource<sbyte> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Set under the link's write gate before the frame goes out, so an early ACK is not missed.</summary>
        public byte? Sequence { get; set; }

        public Task<sbyte> Task => _done.Task;

        public void Offer(byte[] ack)
        {
            if (ack[0] == (byte)type && Sequence == ack[1])
            {
                _done.TrySetResult((sbyte)ack[2]);
            }
        }
    }
}
