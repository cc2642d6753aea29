namespace Fleet.Shared.Models.Packaging;

/// <summary>Raised inside <see cref="ModelPackageReader"/> only, to stop unzipping an oversized package.</summary>
internal sealed class PackageTooLargeException : Exception
{
    public PackageTooLargeException()
        : base("package too large")
    {
    }

    public PackageTooLargeException(string message)
        : base(message)
    {
    }

    public PackageTooLargeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
