// JSON the program cannot read gets a message naming the file, the line and column and the
// problem, in plain words: never the JSON library's "[json.exception.parse_error.101]".
#include "core/datasets/gmm_file.hpp"
#include "core/io/json_errors.hpp"
#include "core/scene/scene_io.hpp"
#include "test_support.hpp"

using namespace dfs;
using dfs::test::contains;
using dfs::test::errorOf;

TEST_CASE("json errors: line, column and what was found", "[io][json]") {
    CHECK(jsonSyntaxProblem("{\"a\": tru }", 11) == "line 1, column 11: unexpected '}'");
    CHECK(jsonSyntaxProblem("{\n  \"a\": 1,\n  ]", 15) == "line 3, column 3: unexpected ']'");
    CHECK(
        contains(jsonSyntaxProblem("{\"a\": [1, 2", 12), "line 1, column 12: the text ends early"));
    CHECK(jsonProblem("[json.exception.out_of_range.403] key 'dim' not found") ==
          "key 'dim' not found");
    CHECK(jsonProblem("plain") == "plain");
    CHECK(jsonProblem("m.dsm: bad ([json.exception.type_error.302] type must be number)") ==
          "m.dsm: bad (type must be number)");
    CHECK(jsonProblem("[json.exception.parse_error.101] a; [json.exception.x.1] b") == "a; b");
}

TEST_CASE("json errors: scene and mixture files say where, not the library's code", "[io][json]") {
    for (const std::string text : {"{\"format\": 3", "{\"format\": tru}", "", "{\n\"a\": 1,,\n}"}) {
        const std::string scene = errorOf<DataError>([&] { sceneFromJson(text, "s.json"); });
        CAPTURE(text, scene);
        CHECK(contains(scene, "s.json: not valid JSON (line "));
        CHECK(!contains(scene, "json.exception"));
        CHECK(!contains(scene, "parse_error"));
        const std::string gmm = errorOf<DataError>([&] { gmmFromJson(text, "m.json"); });
        CAPTURE(gmm);
        CHECK(contains(gmm, "m.json: not valid JSON (line "));
        CHECK(!contains(gmm, "json.exception"));
    }
    CHECK(contains(errorOf<DataError>([] { sceneFromJson("{\n\"a\": 1,,\n}", "s.json"); }),
                   "line 2, column 8: unexpected ','"));
}
