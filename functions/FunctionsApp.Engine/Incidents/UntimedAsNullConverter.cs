using System.Text.Json;
using System.Text.Json.Serialization;

namespace FunctionsApp.Incidents;

/// <summary>
/// Writes the time of an incident whose lines gave none (error lines pasted without nginx's time, read at
/// <see cref="DateTimeOffset.UnixEpoch"/>) as <c>null</c> rather than as 1970, and reads <c>null</c> back as that instant.
/// No log the service ingests is untimed: only ad-hoc analysis of pastes writes null.
/// </summary>
public sealed class UntimedAsNullConverter : JsonConverter<DateTimeOffset>
{
    public override bool HandleNull => true;

    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.Null ? DateTimeOffset.UnixEpoch : reader.GetDateTimeOffset();

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options)
    {
        if (value == DateTimeOffset.UnixEpoch)
        {
            writer.WriteNullValue();
        }
        else
        {
            writer.WriteStringValue(value);
        }
    }
}
