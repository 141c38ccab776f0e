using VaasWeb.Processing.Ingestion;
using VaasWeb.Tests.Unit.Support;

namespace VaasWeb.Tests.Unit.Ingestion;

public sealed class WavFileTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    [Fact]
    public async Task Open_FfmpegWav_ReadsFormatAndLength()
    {
        var path = await MakeToneAsync(seconds: 3);

        var wav = WavFile.Open(path);

        Assert.Equal(16000, wav.SampleRate);
        Assert.Equal(1, wav.Channels);
        Assert.Equal(16, wav.BitsPerSample);
        Assert.Equal(48000, wav.SampleCount);
    }

    [Fact]
    public async Task WriteSlice_OneSecond_IsAValidWavOfExactlyThoseSamples()
    {
        var wav = WavFile.Open(await MakeToneAsync(seconds: 3));
        var slice = _temp.Combine("slice.wav");

        wav.WriteSlice(new SampleSpan(16000, 32000), slice);

        var reopened = WavFile.Open(slice);
        Assert.Equal(16000, reopened.SampleCount);
        var original = File.ReadAllBytes(wav.Path).AsSpan((int)wav.DataOffset + 32000, 32000).ToArray();
        var copied = File.ReadAllBytes(slice).AsSpan((int)reopened.DataOffset, 32000).ToArray();
        Assert.Equal(original, copied);
        // And ffmpeg, the real consumer, agrees it lasts one second.
        await TestMedia.RunFfmpegAsync(["-v", "error", "-i", slice, "-f", "null", "-"]);
    }

    [Fact]
    public void Open_NotAWav_Throws()
    {
        var path = TestMedia.TextFile(_temp.Combine("x.wav"));

        Assert.Throws<InvalidDataException>(() => WavFile.Open(path));
    }

    private async Task<string> MakeToneAsync(double seconds)
    {
        var path = _temp.Combine($"tone-{seconds}.wav");
        await TestMedia.RunFfmpegAsync(["-v", "error", "-y", "-f", "lavfi", "-i", $"sine=frequency=300:duration={seconds}",
            "-ac", "1", "-ar", "16000", "-c:a", "pcm_s16le", "-bitexact", path]);
        return path;
    }

    public void Dispose() => _temp.Dispose();
}
