using System.Text.Json.Serialization;

namespace Fleet.Gateway.Store.Sql;

[JsonSerializable(typeof(SortedDictionary<string, string>))]
[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class StoreJsonContext : JsonSerializerContext;
