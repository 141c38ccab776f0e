using System.Text.Json;
using System.Text.Json.Nodes;

namespace VaasWeb.Mcp;

internal static class ToolSchemas
{
    /// <summary>
    /// A value with a converter of its own (<c>TaskKind</c>) gets the schema <c>true</c> ("anything"), which JSON Schema
    /// allows but the TypeScript SDK refuses as a property's schema, failing the whole tool list. <c>{}</c> says the same.
    /// </summary>
    public static JsonElement WithoutTrueSchemas(JsonElement schema)
    {
        var node = JsonNode.Parse(schema.GetRawText())!;
        Rewrite(node);
        return JsonSerializer.SerializeToElement(node);
    }

    private static bool IsTrue(JsonNode? node) => node is JsonValue value && value.GetValueKind() == JsonValueKind.True;

    private static void Rewrite(JsonNode node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj.ToArray())
                {
                    if (key == "properties" && value is JsonObject properties)
                    {
                        foreach (var (name, property) in properties.ToArray())
                        {
                            if (IsTrue(property))
                            {
                                properties[name] = new JsonObject();
                            }
                            else if (property is not null)
                            {
                                Rewrite(property);
                            }
                        }
                    }
                    else if (key == "items" && IsTrue(value))
                    {
                        obj[key] = new JsonObject();
                    }
                    else if (value is not null)
                    {
                        Rewrite(value);
                    }
                }

                break;
            case JsonArray array:
                foreach (var item in array.OfType<JsonNode>())
                {
                    Rewrite(item);
                }

                break;
        }
    }
}
