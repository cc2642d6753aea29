namespace Fleet.Shared.Learning;

/// <summary>Element-wise activation after a dense layer.</summary>
public enum Activation
{
    /// <summary>None (a linear layer).</summary>
    Identity,
    /// <summary>Hyperbolic tangent.</summary>
    Tanh,
    /// <summary>max(0, x).</summary>
    Relu,
    /// <summary>1 / (1 + e^-x).</summary>
    Sigmoid,
}
