using Fleet.Device.Monitoring;
using Fleet.Shared.Models;

namespace Fleet.Tests.Device.Monitoring;

/// <summary>The watchdog's per-inference path runs on every sampled inference: it must not allocate.</summary>
public sealed class WatchdogAllocationTests
{
    [Fact]
    public void ObserveAndObserveOutputs_AllocateNothing()
    {
        var watchdog = new Watchdog(WatchdogOptions.Default);
        watchdog.UseBaseline(BaselineHistogram.Build("m", "audio", -1f, 1f, 64, []));
        float[] controls = [0.4f, 0.5f, 0.6f];
        var frame = Enumerable.Range(0, 160).Select(i => MathF.Sin(i / 10f)).ToArray();
        var hidden = Enumerable.Range(0, 64).Select(i => i / 64f).ToArray();
        void Window()
        {
            for (var i = 0; i < 25; i++)
            {
                watchdog.Observe(controls, 2.5);
                watchdog.ObserveOutputs(frame, i % 4 == 0 ? hidden : default);
            }

            watchdog.DiscardWindow();
        }

        Window();
        var before = GC.GetAllocatedBytesForCurrentThread();
        Window();

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
