using Microsoft.Data.Sqlite;
using Npgsql;

namespace Fleet.Gateway.Store;

/// <summary>Tells a store refusal (retrying cannot mend it) from a fault that may pass (the database unreachable, busy, out of disk).</summary>
internal static class StoreRefusal
{
    private const int SqliteTooBig = 18;
    private const int SqliteConstraint = 19;
    private const int SqliteMismatch = 20;

    /// <summary>
    /// True when <paramref name="exception"/> (or its cause) says the store refuses this input for good: the store's
    /// own input checks (<see cref="ArgumentException"/>), a constraint, or data the database cannot hold
    /// (PostgreSQL classes 22 and 23).
    /// </summary>
    public static bool IsRefusal(Exception exception)
    {
        for (var inner = exception; inner is not null; inner = inner.InnerException)
        {
            switch (inner)
            {
                case ArgumentException:
                case SqliteException { SqliteErrorCode: SqliteTooBig or SqliteConstraint or SqliteMismatch }:
                case PostgresException { SqlState: [ '2', '2' or '3', .. ] }:
                    return true;
            }
        }

        return false;
    }
}
