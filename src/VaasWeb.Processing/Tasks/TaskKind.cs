using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace VaasWeb.Processing.Tasks;

/// <summary>
/// What kind of work a task is: a name, stored as it is ("Ingestion") and spoken on the wire in snake_case
/// ("ingestion"). Kinds are open: a feature declares its own and registers how its tasks are scheduled and recovered
/// (<see cref="ITaskKindHandler"/>); this type knows no more of them than their names.
/// </summary>
[JsonConverter(typeof(TaskKindJsonConverter))]
public readonly record struct TaskKind
{
    /// <summary>Ingesting a video: probe, frames, text, speech, index (see the Ingestion feature).</summary>
    public static readonly TaskKind Ingestion = new("Ingestion");

    /// <summary>Having MiniMax make a video: submit, poll, retrieve, narrate (see the Generation feature).</summary>
    public static readonly TaskKind Generation = new("Generation");

    public TaskKind(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (name.Length > 32 || !char.IsUpper(name[0]) || !name.All(char.IsAsciiLetterOrDigit))
        {
            throw new ArgumentException($"A task kind is a PascalCase name of at most 32 letters and digits, not '{name}'.", nameof(name));
        }

        Name = name;
    }

    /// <summary>PascalCase, as stored in the database.</summary>
    public string Name { get; }

    /// <summary>snake_case, as the API and the hub say it.</summary>
    public string WireName => JsonNamingPolicy.SnakeCaseLower.ConvertName(Name);

    public override string ToString() => Name;

    /// <summary>A kind from its stored or wire name ("Ingestion", "ingestion", "frame_thumbnails"); null when it cannot be one.</summary>
    public static TaskKind? TryParse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var pascal = new StringBuilder();
        foreach (var part in text.Trim().Split('_', StringSplitOptions.RemoveEmptyEntries))
        {
            pascal.Append(char.ToUpperInvariant(part[0])).Append(part.AsSpan(1));
        }

        var name = pascal.ToString();
        return name.Length is > 0 and <= 32 && name.All(char.IsAsciiLetterOrDigit) && char.IsUpper(name[0]) ? new TaskKind(name) : null;
    }
}

/// <summary>The kind's wire name in JSON, both ways.</summary>
public sealed class TaskKindJsonConverter : JsonConverter<TaskKind>
{
    public override TaskKind Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        TaskKind.TryParse(reader.GetString()) ?? throw new JsonException($"'{reader.GetString()}' is not a task kind.");

    public override void Write(Utf8JsonWriter writer, TaskKind value, JsonSerializerOptions options) => writer.WriteStringValue(value.WireName);
}

/// <summary>The kind's name in the database.</summary>
public sealed class TaskKindConverter() : ValueConverter<TaskKind, string>(kind => kind.Name, name => new TaskKind(name));
