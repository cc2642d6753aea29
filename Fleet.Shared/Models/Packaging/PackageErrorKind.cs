namespace Fleet.Shared.Models.Packaging;

/// <summary>Why a package was refused.</summary>
public enum PackageErrorKind
{
    /// <summary>The bytes are not a zip archive (truncated, corrupted or another format).</summary>
    NotAPackage = 1,

    /// <summary>A required entry is absent.</summary>
    MissingPart,

    /// <summary>An entry is present but does not parse.</summary>
    CorruptPart,

    /// <summary>The entries parse but disagree (golden names a tensor the model lacks, mask names an unknown tensor…).</summary>
    Inconsistent,

    /// <summary>The package exceeds <see cref="ModelPackage.MaxUncompressedBytes"/>.</summary>
    TooLarge,
}
