using System.Text;
using FunctionsApp.NginxLogs;

namespace FunctionsApp.Engine.Tests.NginxLogs;

public sealed class LineReaderTests
{
    private static List<string?> ReadAll(byte[] data, int maxLineLength = 64, int bufferSize = 80)
    {
        using var reader = new LineReader(new MemoryStream(data), maxLineLength, bufferSize);
        var lines = new List<string?>();
        while (reader.TryReadLine(out var line, out var oversized))
        {
            lines.Add(oversized ? null : Encoding.UTF8.GetString(line));
        }

        return lines;
    }

    [Fact]
    public void TryReadLine_CrLfAndNoFinalNewline_ReadsEveryLine() =>
        Assert.Equal(["a", "b", "", "c"], ReadAll("a\r\nb\n\nc"u8.ToArray()));

    [Theory]
    [InlineData("\uFEFFa\r\n\uFEFFb\n", new[] { "a", "\uFEFFb" })]
    [InlineData("\uFEFFonly", new[] { "only" })]
    public void TryReadLine_ByteOrderMarkAtTheStart_IsRemovedThereOnly(string text, string[] expected) =>
        Assert.Equal(expected, ReadAll(Encoding.UTF8.GetBytes(text)));

    [Fact]
    public void TryReadLine_LineOverLimit_IsReportedAndSkipped()
    {
        var data = Encoding.ASCII.GetBytes("short\n" + new string('x', 500) + "\nafter\n");
        Assert.Equal(["short", null, "after"], ReadAll(data));
    }

    [Fact]
    public void TryReadLine_OverLimitWithoutNewlineAtEnd_DoesNotThrow()
    {
        var data = Encoding.ASCII.GetBytes("ok\n" + new string('y', 1000));
        Assert.Equal(["ok", null], ReadAll(data));
    }

    [Fact]
    public void TryReadLine_LinesAcrossBufferBoundaries_AreWhole()
    {
        var lines = Enumerable.Range(0, 200).Select(i => new string((char)('a' + (i % 26)), i % 60)).ToList();
        var data = Encoding.ASCII.GetBytes(string.Join('\n', lines) + "\n");
        Assert.Equal(lines.Cast<string?>(), ReadAll(data));
    }
}
