using System.Text.Json;
using System.Text.Json.Serialization;

namespace VaasWeb.Realtime;

/// <summary>How task changes travel to hub clients and between nodes: the app's wire format, absent fields left out.</summary>
internal static class LiveWireFormat
{
    public static readonly JsonSerializerOptions Options = Configure(new JsonSerializerOptions());

    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        HostingExtensions.ConfigureWireFormat(options);
        // Updates go to every viewer many times a second: absent fields (no error, no thumbnail yet) cost nothing.
        options.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        return options;
    }
}
