using System.Data.Common;

namespace Fleet.Gateway.Store.Sql;

/// <summary>Typed access to the current row of a reader, with the dialect's time and boolean encodings.</summary>
internal readonly struct Row(DbDataReader reader, StoreDialect dialect)
{
    public string String(int ordinal) => reader.GetString(ordinal);

    public string? NullableString(int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    public int Int(int ordinal) => Convert.ToInt32(reader.GetValue(ordinal), System.Globalization.CultureInfo.InvariantCulture);

    public long Long(int ordinal) => Convert.ToInt64(reader.GetValue(ordinal), System.Globalization.CultureInfo.InvariantCulture);

    public long? NullableLong(int ordinal) => reader.IsDBNull(ordinal) ? null : Long(ordinal);

    public bool Bool(int ordinal) => reader.GetBoolean(ordinal);

    public DateTimeOffset Time(int ordinal) => dialect.ReadTime(reader, ordinal);

    public DateTimeOffset? NullableTime(int ordinal) => reader.IsDBNull(ordinal) ? null : dialect.ReadTime(reader, ordinal);

    public bool IsNull(int ordinal) => reader.IsDBNull(ordinal);

    public byte[] Bytes(int ordinal) => reader.GetFieldValue<byte[]>(ordinal);
}
