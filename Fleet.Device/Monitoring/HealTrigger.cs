namespace Fleet.Device.Monitoring;

/// <summary>What made the watchdog call for a heal (the <c>trigger</c> of a heal event).</summary>
internal enum HealTrigger
{
    None = 0,

    /// <summary>A live tensor no longer matches its golden digest (certain; no persistence filter).</summary>
    Digest,

    /// <summary>Output histogram KL divergence above its threshold in k of n windows.</summary>
    Kl,

    /// <summary>Input distribution shifted beyond its threshold in k of n windows.</summary>
    Drift,

    /// <summary>Hidden activations left their healthy range in k of n windows.</summary>
    Activations,

    /// <summary>Latency or temperature beyond their limits in k of n windows.</summary>
    Latency,

    /// <summary>An operator or the gateway asked for it.</summary>
    Command,

    /// <summary>The active artifact on disk failed its SHA-256 check (the periodic scrub or a load).</summary>
    Artifact,

    /// <summary>The agent's model actor crashed and was restarted by its supervisor.</summary>
    Crash,
}

/// <summary>Wire names of <see cref="HealTrigger"/> (docs/PROTOCOL.md).</summary>
internal static class HealTriggers
{
    public static string WireName(this HealTrigger trigger) => trigger switch
    {
        HealTrigger.Digest => "digest",
        HealTrigger.Kl => "kl",
        HealTrigger.Drift => "drift",
        HealTrigger.Activations => "activations",
        HealTrigger.Latency => "latency",
        HealTrigger.Command => "command",
        HealTrigger.Artifact => "artifact",
        HealTrigger.Crash => "crash",
        _ => "none",
    };
}
