using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
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
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var qemu = Process.Start(new ProcessStartInfo("qemu-system-arm")
        {
            ArgumentList = { "-M", "mps2-an386", "-cpu", "cortex-m4", "-display", "none", "-monitor", "none", "-serial", "null",
                "-serial", $"tcp:127.0.0.1:{port}", "-kernel", elf },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            using var client = await listener.AcceptTcpClientAsync(timeout.Token);
            var stream = client.GetStream();
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
        finally
        {
            qemu.Kill();
            await qemu.WaitForExitAsync();
        }
    }

    private static Func<McuFrame, bool> IsTopic(McuTopic topic) => f => f.Type == McuFrameType.Message && f.Payload.Length > 1 && f.Payload[0] == (byte)topic;

    private static byte[] Body(McuFrame frame) => frame.Payload[1..];

    private sealed class LinkReader(NetworkStream stream)
    {
        private readonly McuLinkCodec _codec = new();
        private readonly Queue<McuFrame> _frames = new();
        private readonly byte[] _buffer = new byte[4096];

        public async Task<McuFrame> NextAsync(Func<McuFrame, bool> match, CancellationToken cancellationToken)
        {
            while (true)
            {
                while (_frames.TryDequeue(out var frame))
                {
                    if (match(frame))
                    {
                        return frame;
                    }
                }

                var read = await stream.ReadAsync(_buffer, cancellationToken);
                if (read == 0)
                {
                    throw new EndOfStreamException("the MCU closed the link");
                }

                foreach (var f in _codec.Feed(_buffer.AsSpan(0, read)))
                {
                    _frames.Enqueue(f);
                }
            }
        }
    }
}
