using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace OneOff.Testing;

/// <summary>Structural JSON equality: member order ignored, numbers compared as decimals, <c>{"$epochMs":n}</c> read as epoch seconds.</summary>
public static class JsonComparison
{
    /// <summary>Null when equal, else the path of the first difference.</summary>
    public static string? FirstDifference(JsonNode? expected, JsonNode? actual, string path = "$")
    {
        expected = Normalize(expected);
        actual = Normalize(actual);
        switch (expected, actual)
        {
            case (null, null):
                return null;
            case (JsonObject e, JsonObject a):
                foreach (var key in e.Select(p => p.Key).Union(a.Select(p => p.Key)))
                {
                    if (!e.ContainsKey(key) || !a.ContainsKey(key))
                    {
                        return $"{path}.{key}: present only in {(e.ContainsKey(key) ? "expected" : "actual")}";
                    }

                    if (FirstDifference(e[key], a[key], $"{path}.{key}") is { } difference)
                    {
                        return difference;
                    }
                }

                return null;
            case (JsonArray e, JsonArray a):
                if (e.Count != a.Count)
                {
                    return $"{path}: {e.Count} items expected, {a.Count} found";
                }

                for (var i = 0; i < e.Count; i++)
                {
                    if (FirstDifference(e[i], a[i], $"{path}[{i}]") is { } difference)
                    {
                        return difference;
                    }
                }

                return null;
            case (JsonValue e, JsonValue a):
                var same = e.GetValueKind() == JsonValueKind.Number && a.GetValueKind() == JsonValueKind.Number
                    ? decimal.Parse(e.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture) == decimal.Parse(a.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture)
                    : e.ToJsonString() == a.ToJsonString();
                return same ? null : $"{path}: expected {e.ToJsonString()}, found {a.ToJsonString()}";
            default:
                return $"{path}: expected {expected?.ToJsonString() ?? "nothing"}, found {actual?.ToJsonString() ?? "nothing"}";
        }
    }

    private static JsonNode? Normalize(JsonNode? node) =>
        node is JsonObject { Count: 1 } o && o["$epochMs"] is JsonValue ms
            ? JsonValue.Create(ms.GetValue<decimal>() / 1000m)
            : node;
}
