namespace Fleet.Shared.Protocol;

/// <summary>Outcome of a golden-input validation.</summary>
public enum ValidationVerdict
{
    /// <summary><c>pass</c>.</summary>
    Pass = 1,

    /// <summary><c>fail</c>.</summary>
    Fail,
}
