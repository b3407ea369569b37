using System.Text.Json;
using System.Text.Json.Serialization;

namespace FunctionsApp.Hosting;

/// <summary>Reads <see cref="TimerInfo"/> given as an object or as a string holding its JSON (custom handlers get the latter).</summary>
internal sealed class TimerInfoJsonConverter : JsonConverter<TimerInfo>
{
    public override TimerInfo? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType switch
        {
            JsonTokenType.Null => null,
            JsonTokenType.String => reader.GetString() is { Length: > 0 } json
                ? JsonSerializer.Deserialize(json, HostingJsonContext.Default.TimerInfo)
                : null,
            _ => JsonSerializer.Deserialize(ref reader, HostingJsonContext.Default.TimerInfo),
        };

    public override void Write(Utf8JsonWriter writer, TimerInfo value, JsonSerializerOptions options) =>
        JsonSerializer.Serialize(writer, value, HostingJsonContext.Default.TimerInfo);
}
