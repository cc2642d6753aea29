namespace Fleet.Shared.Models.Packaging;

/// <summary>A read package, or why it was refused; reading foreign bytes never throws.</summary>
public readonly record struct PackageResult
{
    private PackageResult(ModelPackage? package, PackageErrorKind? error, string message)
    {
        Package = package;
        Error = error;
        Message = message;
    }

    /// <summary>The package when <see cref="IsSuccess"/>.</summary>
    public ModelPackage? Package { get; }

    /// <summary>The failure class, null on success.</summary>
    public PackageErrorKind? Error { get; }

    /// <summary>A human-readable reason (empty on success).</summary>
    public string Message { get; }

    /// <summary>True when the package was read and validated.</summary>
    public bool IsSuccess => Package is not null;

    /// <summary>A successful result.</summary>
    public static PackageResult Success(ModelPackage package) => new(package, null, "");

    /// <summary>A failed result.</summary>
    public static PackageResult Failure(PackageErrorKind kind, string message) => new(null, kind, message);

    /// <inheritdoc/>
    public override string ToString() => IsSuccess ? $"package {Package!.Card.Id} {Package.Card.ModelVersion}" : $"{Error}: {Message}";
}
