namespace Fleet.Shared.Protocol;

/// <summary>A step of the remediation ladder (<c>heal.rungs[].rung</c>).</summary>
public enum HealRung
{
    /// <summary><c>restoreTensors</c>: copy corrupted chunks back from the golden snapshot.</summary>
    RestoreTensors = 1,

    /// <summary><c>unprune</c>: restore pruned weights of critical layers.</summary>
    Unprune,

    /// <summary><c>reload</c>: reload the verified artifact.</summary>
    Reload,

    /// <summary><c>rollback</c>: switch to the last known-good version.</summary>
    Rollback,

    /// <summary><c>safetyModel</c>: switch to the safety model.</summary>
    SafetyModel,

    /// <summary><c>factoryDefault</c>: switch to the factory default.</summary>
    FactoryDefault,

    /// <summary><c>restart</c>: the agent's model side crashed and its supervisor restarted it from the store.</summary>
    Restart,
}
