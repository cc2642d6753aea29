using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Fleet.Device.Mcu;
using Fleet.Shared.Protocol;

namespace Fleet.Tests.Mcu;

/// <summary>
/// The MCU as a fleet device on its serial link: the agent firmware runs on QEMU with UART1 connected to a TCP socket
/// the test (standing in for the hub) listens on. Its payloads pass the gateway's strict wire codec, and a bit flip
/// injected by command is healed on the MCU and reported as a heal event.
/// </summary>
[Collection(McuCollection.Name)]
public sealed class McuLinkQemuTests(McuFixture fixture)
{
    [Fact]
    public async Task AgentFirmware_OverTheUartLink_SpeaksTheProtocolAndHealsAnInjectedBitFlip()
    {
        var elf = await fixture.AgentFirmwareAsync("mcu-7");
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await using var board = await QemuBoard.BootAsync(elf, timeout.Token);
        var stream = board.Link;
        var link = new LinkReader(stream);

        var hello = await link.NextAsync(f => f.Type == McuFrameType.Hello, timeout.Token);
        Assert.Equal("mcu-7", Encoding.ASCII.GetString(hello.Payload));
        var clock = new byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(clock, 1_795_322_120_000);
        await stream.WriteAsync(McuLinkCodec.Encode(McuFrameType.Time, 0, clock), timeout.Token);
        var status = WireCodec.DecodeStatus(Body(await link.NextAsync(IsTopic(McuTopic.Status), timeout.Token)));
        Assert.True(status.IsSuccess, status.Error?.ToString());
        Assert.Equal(1_795_322_120L, status.Value!.Epoch); // a blank persist page takes its epoch from the hub's clock, in seconds
        var report = WireCodec.DecodeReport(Body(await link.NextAsync(IsTopic(McuTopic.Report), timeout.Token)));
        Assert.True(report.IsSuccess, report.Error?.ToString());
        Assert.Equal(("vocoder", "1.0.0", ModelSource.Active), (report.Value!.Model!.Id, report.Value.Model.Version, report.Value.Model.Source));
        var telemetry = WireCodec.DecodeTelemetry(Body(await link.NextAsync(IsTopic(McuTopic.Telemetry), timeout.Token)));
        Assert.True(telemetry.IsSuccess, telemetry.Error?.ToString());

        var command = """{"v":1,"id":"c-1","name":"injectFault","args":{"fault":"bitflip"}}"""u8.ToArray();
        await stream.WriteAsync(McuLinkCodec.Encode(McuFrameType.Command, 1, command), timeout.Token);
        var answer = WireCodec.DecodeCommandResult(Body(await link.NextAsync(IsTopic(McuTopic.CommandResult), timeout.Token)));
        Assert.True(answer.IsSuccess && answer.Value!.Ok && answer.Value.Id == "c-1", answer.Error?.ToString());

        var decoded = WireCodec.DecodeEvent(Body(await link.NextAsync(IsTopic(McuTopic.Events), timeout.Token)));
        Assert.True(decoded.IsSuccess, decoded.Error?.ToString());
        var heal = Assert.IsType<HealEvent>(decoded.Value);
        Assert.Equal(HealOutcome.Healed, heal.Outcome);
        var rung = Assert.Single(heal.Rungs);
        Assert.Equal((HealRung.RestoreTensors, ValidationVerdict.Pass), (rung.Rung, rung.Validation));
        Assert.Equal("digest", heal.Trigger);
        Assert.True(heal.Seq > answer.Value!.Seq);
    }

    [Fact]
    public async Task AgentFirmware_DesiredStateAndModelImages_ThresholdApplied_TamperedImageRefused_GoodImageInstalledAndServing()
    {
        var elf = await fixture.AgentFirmwareAsync("mcu-8");
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await using var board = await QemuBoard.BootAsync(elf, timeout.Token);
        var stream = board.Link;
        var link = new LinkReader(stream);
        byte seq = 0;
        async Task SendAsync(McuFrameType type, byte[] payload) => await stream.WriteAsync(McuLinkCodec.Encode(type, seq++, payload), timeout.Token);

        await link.NextAsync(f => f.Type == McuFrameType.Hello, timeout.Token);
        await SendAsync(McuFrameType.Time, BitConverter.GetBytes(1_795_322_120_000L));
        var boot = WireCodec.DecodeReport(Body(await link.NextAsync(IsTopic(McuTopic.Report), timeout.Token))).Value!;
        Assert.Equal(("1.0.0", 0L), (boot.Model!.Version, boot.DesiredVersion));

        // Thresholds only: applied and reported.
        await SendAsync(McuFrameType.Desired, """{"v":1,"version":5,"klMax":0.3}"""u8.ToArray());
        var thresholds = await NextReportAsync(link, r => r.DesiredVersion == 5, timeout.Token);
        Assert.Equal(0.3, thresholds.Thresholds!.KlMax!.Value, 6);

        var image = await File.ReadAllBytesAsync(fixture.UpdateImage, timeout.Token);
        var sha = Convert.ToHexStringLower(SHA256.HashData(image));
        var tampered = (byte[])image.Clone();
        tampered[image.Length / 2] ^= 0x04;

        // The hub announced one image and a different one arrived: the MCU's SHA-256 refuses it, 1.0.0 keeps serving.
        await SendAsync(McuFrameType.Desired, Encoding.ASCII.GetBytes($$"""{"v":1,"version":6,"modelId":"vocoder","modelVersion":"1.0.1","imageSize":{{image.Length}},"imageSha256":"{{sha}}"}"""));
        Assert.Equal(-4, await SendImageAsync(stream, link, tampered, () => seq++, timeout.Token));
        var refused = Assert.IsType<UpdateEvent>(WireCodec.DecodeEvent(Body(await link.NextAsync(IsTopic(McuTopic.Events), timeout.Token))).Value);
        Assert.Equal((6L, UpdateOutcome.Refused), (refused.DesiredVersion, refused.Outcome));
        Assert.Contains("SHA-256 does not match", refused.Reason);
        var afterTamper = await NextReportAsync(link, r => r.DesiredVersion == 6, timeout.Token);
        Assert.Equal(("1.0.0", ModelSource.Active, 6L), (afterTamper.Model!.Version, afterTamper.Model.Source, afterTamper.CannotApply!.Version));
        Assert.Equal(DeviceHealth.Healthy, afterTamper.Health);

        // The good image: verified, validated on its golden inputs, installed; the report shows 1.0.1.
        await SendAsync(McuFrameType.Desired, Encoding.ASCII.GetBytes($$"""{"v":1,"version":7,"modelId":"vocoder","modelVersion":"1.0.1","imageSize":{{image.Length}},"imageSha256":"{{sha}}"}"""));
        Assert.Equal(0, await SendImageAsync(stream, link, image, () => seq++, timeout.Token));
        var committed = Assert.IsType<UpdateEvent>(WireCodec.DecodeEvent(Body(await link.NextAsync(IsTopic(McuTopic.Events), timeout.Token))).Value);
        Assert.Equal((7L, UpdateOutcome.Committed, "1.0.1"), (committed.DesiredVersion, committed.Outcome, committed.ModelVersion));
        var installed = await NextReportAsync(link, r => r.DesiredVersion == 7, timeout.Token);
        Assert.Equal(("1.0.1", ModelSource.Active, null), (installed.Model!.Version, installed.Model.Source, installed.CannotApply));
        Assert.Equal(0.3, installed.Thresholds!.KlMax!.Value, 6);

        // 1.0.1 serves: its golden validation passes on the MCU.
        await SendAsync(McuFrameType.Command, """{"v":1,"id":"c-9","name":"validate","args":{}}"""u8.ToArray());
        var validate = WireCodec.DecodeCommandResult(Body(await link.NextAsync(IsTopic(McuTopic.CommandResult), timeout.Token))).Value!;
        Assert.True(validate.Ok && validate.Result!.Value.GetProperty("verdict").GetString() == "pass", validate.Result?.GetRawText());

        // A hub that attaches later asks who is there: hello, then a fresh status and report.
        await SendAsync(McuFrameType.Sync, []);
        Assert.Equal("mcu-8", Encoding.ASCII.GetString((await link.NextAsync(f => f.Type == McuFrameType.Hello, timeout.Token)).Payload));
        var fresh = await link.NextAsync(f => IsTopic(McuTopic.Status)(f) && WireCodec.DecodeStatus(Body(f)).Value!.Seq > installed.Seq, timeout.Token);
        Assert.Equal(DeviceState.Online, WireCodec.DecodeStatus(Body(fresh)).Value!.State);
        await NextReportAsync(link, r => r.Seq > installed.Seq && r.Model!.Version == "1.0.1", timeout.Token);
    }

    /// <summary>The agent firmware running under qemu-system-arm, its UART1 connected to a loopback socket (the link).</summary>
    private sealed class QemuBoard(Process qemu, TcpClient client) : IAsyncDisposable
    {
        public NetworkStream Link { get; } = client.GetStream();

        public static async Task<QemuBoard> BootAsync(string elf, CancellationToken cancellationToken)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            var qemu = Process.Start(new ProcessStartInfo("qemu-system-arm")
            {
                ArgumentList = { "-M", "mps2-an386", "-cpu", "cortex-m4", "-display", "none", "-monitor", "none", "-serial", "null",
                    "-serial", $"tcp:127.0.0.1:{port}", "-kernel", elf },
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            })!;
            try
            {
                return new QemuBoard(qemu, await listener.AcceptTcpClientAsync(cancellationToken));
            }
            catch
            {
                qemu.Kill();
                qemu.Dispose();
                throw;
            }
        }

        public async ValueTask DisposeAsync()
        {
            client.Dispose();
            qemu.Kill();
            await qemu.WaitForExitAsync();
            qemu.Dispose();
        }
    }

    /// <summary>Sends an image in acknowledged IMAGE_DATA frames and IMAGE_END, as the hub does; returns IMAGE_END's status.</summary>
    private static async Task<int> SendImageAsync(NetworkStream stream, LinkReader link, byte[] image, Func<byte> nextSeq, CancellationToken cancellationToken)
    {
        for (var offset = 0; offset < image.Length; offset += 1020)
        {
            var length = Math.Min(1020, image.Length - offset);
            var payload = new byte[length + 4];
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(payload, (uint)offset);
            image.AsSpan(offset, length).CopyTo(payload.AsSpan(4));
            var seq = nextSeq();
            await stream.WriteAsync(McuLinkCodec.Encode(McuFrameType.ImageData, seq, payload), cancellationToken);
            var ack = await link.NextAsync(f => f.Type == McuFrameType.Ack && f.Payload[1] == seq, cancellationToken);
            Assert.Equal(((byte)McuFrameType.ImageData, (sbyte)0), (ack.Payload[0], (sbyte)ack.Payload[2]));
        }

        var end = nextSeq();
        await stream.WriteAsync(McuLinkCodec.Encode(McuFrameType.ImageEnd, end, []), cancellationToken);
        return (sbyte)(await link.NextAsync(f => f.Type == McuFrameType.Ack && f.Payload[1] == end, cancellationToken)).Payload[2];
    }

    private static async Task<ReportMessage> NextReportAsync(LinkReader link, Func<ReportMessage, bool> match, CancellationToken cancellationToken)
    {
        while (true)
        {
            var report = WireCodec.DecodeReport(Body(await link.NextAsync(IsTopic(McuTopic.Report), cancellationToken)));
            Assert.True(report.IsSuccess, report.Error?.ToString());
            if (match(report.Value!))
            {
                return report.Value!;
            }
        }
    }

    private static Func<McuFrame, bool> IsTopic(McuTopic topic) => f => f.Type == McuFrameType.Message && f.Payload.Length > 1 && f.Payload[0] == (byte)topic;

    private static byte[] Body(McuFrame frame) => frame.Payload[1..];

    /// <summary>Frames from the MCU; a wait takes the first matching frame and keeps the others for later waits.</summary>
    private sealed class LinkReader(NetworkStream stream)
    {
        private readonly McuLinkCodec _codec = new();
        private readonly List<McuFrame> _frames = [];
        private readonly byte[] _buffer = new byte[4096];

        public async Task<McuFrame> NextAsync(Func<McuFrame, bool> match, CancellationToken cancellationToken)
        {
            while (true)
            {
                var index = _frames.FindIndex(f => match(f));
                if (index >= 0)
                {
                    var frame = _frames[index];
                    _frames.RemoveAt(index);
                    return frame;
                }

                var read = await stream.ReadAsync(_buffer, cancellationToken);
                if (read == 0)
                {
                    throw new EndOfStreamException("the MCU closed the link");
                }

                _frames.AddRange(_codec.Feed(_buffer.AsSpan(0, read)));
            }
        }
    }
}
