using System.Runtime.InteropServices;
using System.Text;

namespace Fleet.Shared.Security;

/// <summary>Writes secrets (keys, tokens, password files) readable by the owner only.</summary>
/// <remarks>
/// The content goes to a temporary file created with mode 0600, is flushed to disk, and is renamed over
/// the target, so a reader never sees a half-written secret and a file that existed with a wider mode
/// is replaced rather than rewritten in place.
/// </remarks>
public static partial class PrivateFile
{
    private static readonly FileStreamOptions CreateOwnerOnly = new()
    {
        Mode = FileMode.Create,
        Access = FileAccess.Write,
        UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
    };

    /// <summary>Atomically replaces <paramref name="path"/> with <paramref name="content"/> (UTF-8), mode 0600.</summary>
    public static void Write(string path, string content)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(content);
        var temp = path + ".tmp";
        using (var stream = new FileStream(temp, CreateOwnerOnly))
        {
            stream.Write(Encoding.UTF8.GetBytes(content));
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, path, overwrite: true);
    }

    /// <summary>
    /// Creates <paramref name="path"/> with <paramref name="content"/> (UTF-8, mode 0600) only if no file is there yet,
    /// atomically: of several processes creating the same file at once (gateway nodes sharing a secrets directory),
    /// exactly one wins and the others get false and read the winner's file.
    /// </summary>
    public static bool TryCreate(string path, string content)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(content);
        var temp = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        try
        {
            using (var stream = new FileStream(temp, CreateOwnerOnly))
            {
                stream.Write(Encoding.UTF8.GetBytes(content));
                stream.Flush(flushToDisk: true);
            }

            // link(2) creates the name only if it does not exist, atomically (File.Move without overwrite checks, then
            // renames: two processes can both pass the check, measured here with 16 concurrent writers).
            if (Link(temp, path) == 0)
            {
                return true;
            }

            var error = Marshal.GetLastPInvokeError();
            if (error == EExist)
            {
                return false;
            }

            throw new IOException($"could not create {path}: link failed with errno {error}");
        }
        finally
        {
            File.Delete(temp);
        }
    }

    private const int EExist = 17;

    [LibraryImport("libc", EntryPoint = "link", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Link(string existing, string created);

    /// <summary>Asynchronous <see cref="Write"/>.</summary>
    public static async Task WriteAsync(string path, string content, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(content);
        var temp = path + ".tmp";
        var stream = new FileStream(temp, CreateOwnerOnly);
        await using (stream.ConfigureAwait(false))
        {
            await stream.WriteAsync(Encoding.UTF8.GetBytes(content), cancellationToken).ConfigureAwait(false);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, path, overwrite: true);
    }
}
