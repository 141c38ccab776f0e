using System.Net.Http.Json;
using System.Text.Json;
using VaasWeb.Tests.Unit.Support;

namespace VaasWeb.Tests.Unit.MiniMax.Emulator;

/// <summary>Speech, voices, uploads and voice cloning.</summary>
public sealed partial class EmulatorTests
{
    private const string Sentence = "The quick brown fox jumps over the lazy dog.";

    private static object SpeechRequest(string text = Sentence, string voiceId = "male-qn-qingse", string outputFormat = "hex") => new
    {
        model = "speech-2.6-hd",
        text,
        stream = false,
        voice_setting = new { voice_id = voiceId, speed = 1.0, vol = 1.0, pitch = 0 },
        audio_setting = new { sample_rate = 32000, bitrate = 128000, format = "mp3", channel = 1 },
        output_format = outputFormat,
    };

    [Fact]
    public async Task T2a_WithHexOutput_IsARealMp3OfTheSpokenText()
    {
        var answer = await PostAsync("/v1/t2a_v2", SpeechRequest());

        AssertSuccess(answer);
        Assert.Equal(2, answer.GetProperty("data").GetProperty("status").GetInt32());
        var bytes = Convert.FromHexString(answer.GetProperty("data").GetProperty("audio").GetString()!);
        var mp3 = _folder.Combine("speech.mp3");
        await File.WriteAllBytesAsync(mp3, bytes);
        var seconds = await TestMedia.DurationAsync(mp3);
        Assert.InRange(seconds, 1.0, 10.0);
        Assert.Equal("mp3", await CodecAsync(mp3, "a"));
        var extra = answer.GetProperty("extra_info");
        Assert.Equal(bytes.Length, extra.GetProperty("audio_size").GetInt64());
        Assert.InRange(extra.GetProperty("audio_length").GetInt64(), (long)(seconds * 1000) - 100, (long)(seconds * 1000) + 100);
        Assert.Equal(32000, extra.GetProperty("audio_sample_rate").GetInt32());
        Assert.Equal(128000, extra.GetProperty("bitrate").GetInt32());
        Assert.Equal(9, extra.GetProperty("word_count").GetInt32());
        Assert.Equal(Sentence.Length, extra.GetProperty("usage_characters").GetInt32());
        Assert.Equal("mp3", extra.GetProperty("audio_format").GetString());
        Assert.Equal(1, extra.GetProperty("audio_channel").GetInt32());
        Assert.Matches("^[0-9a-f]{32}$", answer.GetProperty("trace_id").GetString());
    }

    [Fact]
    public async Task T2a_WithUrlOutput_DownloadsTheAudio()
    {
        var answer = await PostAsync("/v1/t2a_v2", SpeechRequest(outputFormat: "url"));

        AssertSuccess(answer);
        var url = answer.GetProperty("data").GetProperty("audio").GetString()!;
        Assert.Contains("/files/", url);
        var mp3 = await DownloadAsync(url, "speech-url.mp3");
        Assert.Equal(answer.GetProperty("extra_info").GetProperty("audio_size").GetInt64(), new FileInfo(mp3).Length);
        Assert.Equal("mp3", await CodecAsync(mp3, "a"));
    }

    [Theory]
    [InlineData("", "male-qn-qingse", "text")]
    [InlineData(Sentence, "no-such-voice", "voice_id")]
    public async Task T2a_WithoutTextOrWithUnknownVoice_Returns2013(string text, string voiceId, string mentioned)
    {
        var answer = await PostAsync("/v1/t2a_v2", SpeechRequest(text, voiceId));

        AssertBaseResp(answer, 2013);
        Assert.Contains(mentioned, answer.GetProperty("base_resp").GetProperty("status_msg").GetString());
        Assert.False(answer.TryGetProperty("data", out _));
    }

    [Fact]
    public async Task GetVoice_All_ListsTheSystemVoices()
    {
        var answer = await PostAsync("/v1/get_voice", new { voice_type = "all" });

        AssertSuccess(answer);
        var ids = answer.GetProperty("system_voice").EnumerateArray().Select(voice => voice.GetProperty("voice_id").GetString()).ToList();
        Assert.Contains("male-qn-qingse", ids);
        Assert.Contains("female-shaonv", ids);
        Assert.Contains("presenter_male", ids);
        Assert.All(answer.GetProperty("system_voice").EnumerateArray(), voice => Assert.NotEmpty(voice.GetProperty("voice_name").GetString()!));
        Assert.Empty(answer.GetProperty("voice_cloning").EnumerateArray());
        AssertBaseResp(await PostAsync("/v1/get_voice", new { voice_type = "everything" }), 2013);
    }

    [Fact]
    public async Task VoiceClone_OfAnUploadedRecording_AddsAVoiceThatSpeaks()
    {
        var wav = _folder.Combine("my voice.wav");
        await TestMedia.RunFfmpegAsync(["-v", "error", "-y", "-f", "lavfi", "-i", $"flite=text='{Sentence}':voice=slt", wav]);
        var uploaded = await UploadAsync(wav, "voice_clone");
        AssertSuccess(uploaded);
        var file = uploaded.GetProperty("file");
        Assert.Equal(new FileInfo(wav).Length, file.GetProperty("bytes").GetInt64());
        Assert.Equal("my voice.wav", file.GetProperty("filename").GetString());
        Assert.Equal("voice_clone", file.GetProperty("purpose").GetString());

        var cloned = await PostAsync("/v1/voice_clone", new { file_id = file.GetProperty("file_id").GetInt64(), voice_id = "MyNarrator01" });
        var again = await PostAsync("/v1/voice_clone", new { file_id = file.GetProperty("file_id").GetInt64(), voice_id = "MyNarrator01" });
        var voices = await PostAsync("/v1/get_voice", new { voice_type = "voice_cloning" });
        var speech = await PostAsync("/v1/t2a_v2", SpeechRequest(voiceId: "MyNarrator01"));

        AssertSuccess(cloned);
        Assert.Equal("", cloned.GetProperty("demo_audio").GetString());
        AssertBaseResp(again, 2013);
        Assert.Equal("MyNarrator01", Assert.Single(voices.GetProperty("voice_cloning").EnumerateArray()).GetProperty("voice_id").GetString());
        Assert.Empty(voices.GetProperty("system_voice").EnumerateArray());
        AssertSuccess(speech);
    }

    [Fact]
    public async Task VoiceClone_OfUnknownFile_Returns2013()
    {
        var answer = await PostAsync("/v1/voice_clone", new { file_id = 123456789012345, voice_id = "MyNarrator01" });

        AssertBaseResp(answer, 2013);
        Assert.Equal("123456789012345", (await RequestsAsync()).Single().GetProperty("file_id").GetString());
    }

    [Fact]
    public async Task Upload_OfANonAudioFile_Returns2013()
    {
        var answer = await UploadAsync(TestMedia.TextFile(_folder.Combine("notes.txt")), "voice_clone");

        AssertBaseResp(answer, 2013);
        Assert.False(answer.TryGetProperty("file", out _));
    }

    private async Task<JsonElement> UploadAsync(string path, string purpose)
    {
        using var form = new MultipartFormDataContent
        {
            { new StringContent(purpose), "purpose" },
            { new ByteArrayContent(await File.ReadAllBytesAsync(path)), "file", Path.GetFileName(path) },
        };
        return await JsonAsync(await _http.PostAsync("/v1/files/upload", form));
    }
}
