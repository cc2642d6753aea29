namespace Fleet.Device.Storage;

/// <summary>Crash-safe file replacement: temp file in the same directory, write, fsync, rename, fsync the directory.</summary>
/// <remarks>After a crash the path holds either the old content or the new, never a mix; a leftover temp file
/// (named with <see cref="TempPrefix"/>) is garbage to delete.</remarks>
internal static class AtomicFile
{
    public const string TempPrefix = ".tmp-";

    /// <summary>Replaces (or creates) <paramref name="path"/> with <paramref name="content"/>.</summary>
    public static void Write(string path, ReadOnlySpan<byte> content, bool overwrite = true)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var temp = TempPath(directory);
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(content);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, path, overwrite);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }

        DirectorySync.Flush(directory);
    }

    /// <summary>A fresh temp file name in <paramref name="directory"/>.</summary>
    public static string TempPath(string directory) => Path.Combine(directory, TempPrefix + Guid.NewGuid().ToString("N"));

    public static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Best effort: the next garbage collection removes it.
        }
        catch (UnauthorizedAccessException)
        {
            // Same.
        }
    }
}
