// Runs a fuzz target over its corpus as a plain program: every file named on
// the command line, and every file in every folder named, in name order. A
// crash, a sanitizer report or an uncaught exception fails the test, as it
// would stop the fuzzer; so does an empty corpus, which would prove nothing.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size);

namespace {

std::vector<std::filesystem::path> inputs_of(const std::filesystem::path &arg) {
  std::vector<std::filesystem::path> files;
  if (std::filesystem::is_directory(arg)) {
    for (const auto &entry : std::filesystem::directory_iterator(arg)) {
      if (entry.is_regular_file()) files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
  } else {
    files.push_back(arg);
  }
  return files;
}

}  // namespace

int main(int argc, char **argv) {
  std::size_t ran = 0;
  for (int i = 1; i < argc; ++i) {
    for (const auto &file : inputs_of(argv[i])) {
      std::ifstream in(file, std::ios::binary);
      if (!in) {
        std::fprintf(stderr, "cannot read %s\n", file.c_str());
        return 1;
      }
      const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t *>(bytes.data()), bytes.size());
      ++ran;
    }
  }
  std::printf("%zu inputs\n", ran);
  return ran == 0 ? 1 : 0;
}
