using Fleet.Device.Healing;
using Fleet.Device.Monitoring;

namespace Fleet.Device.Core;

/// <summary>One closed window: the watchdog's verdict and the heal episode it led to, if any.</summary>
internal sealed record WindowOutcome(WindowVerdict Verdict, HealEpisode? Episode, TimeSpan HealDuration);
