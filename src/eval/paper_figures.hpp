// The EBPC paper's stated results, for the tables that put our numbers next to them
// (internal to src/eval). Only figures the paper states in its text are here: the
// abstract of Cavigelli, Rutishauser, Benini, "EBPC: Extended Bit-Plane Compression for
// Deep Neural Network Inference and Training Accelerators" (IEEE JETCAS 2019, arXiv
// 1908.11645) gives the average compression ratio of each network's feature maps with
// 8-bit fixed point, and a gain of 45-70% over existing methods. Its per-format and
// per-layer results are plots, whose bar heights are not transcribed here.
#pragma once

#include <string>
#include <string_view>

namespace ebpc::eval::detail {

struct PaperNetwork {
  const char* name;
  double fixed8_ratio;  // the abstract's 8-bit figure
};

inline constexpr PaperNetwork k_paper_networks[] = {
    {"AlexNet", 5.1}, {"VGG-16", 4.0}, {"ResNet-34", 2.4}, {"MobileNetV2", 2.2}};
inline constexpr const char* k_paper_source = "its abstract, 8-bit fixed point";
inline constexpr const char* k_paper_gain = "+45% to +70%";

// Our network next to the closest network of the paper: paper == nullptr when none is
// close; note says why a match is only approximate (empty when it is the same architecture).
struct PaperMatch {
  const PaperNetwork* paper = nullptr;
  std::string note;
};

inline std::string normalised_name(std::string_view s) {
  std::string out;
  for (const char ch : s) {
    if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')) {
      out += ch;
    } else if (ch >= 'A' && ch <= 'Z') {
      out += static_cast<char>(ch - 'A' + 'a');
    }
  }
  return out;
}

// By the dataset's network name (the manifest's "network"): face_recognition_net (face-api's
// ResNet-34-like face embedder) -> ResNet-34; mobilenet_v2 and its variants (other width
// multipliers) -> MobileNetV2; SSD with a MobileNet backbone -> MobileNetV2, with a caveat;
// Inception and anything unknown -> none.
inline PaperMatch closest_paper_network(std::string_view network) {
  const std::string n = normalised_name(network);
  const auto has = [&](std::string_view part) { return n.find(part) != std::string::npos; };
  const auto paper = [](std::string_view name) -> const PaperNetwork* {
    for (const PaperNetwork& p : k_paper_networks) {
      if (name == p.name) {
        return &p;
      }
    }
    return nullptr;
  };
  if (has("inception")) {
    return {nullptr, "the paper has no Inception network"};
  }
  if (has("ssd")) {
    return {paper("MobileNetV2"), has("mobilenetv1") || !has("mobilenetv2")
                                      ? "SSD detector on a MobileNetV1 backbone: only loosely comparable"
                                      : "SSD detector on a MobileNetV2 backbone"};
  }
  if (has("facerecognition") || has("faceapi") || has("resnet34")) {
    return {paper("ResNet-34"), has("resnet34") ? "" : "a ResNet-34-like face embedder, not the ImageNet classifier"};
  }
  if (has("resnet")) {
    return {paper("ResNet-34"), "another ResNet depth"};
  }
  if (has("mobilenetv2")) {
    return {paper("MobileNetV2"), n == "mobilenetv2" ? "" : "a MobileNetV2 variant"};
  }
  if (has("alexnet")) {
    return {paper("AlexNet"), ""};
  }
  if (has("vgg16")) {
    return {paper("VGG-16"), ""};
  }
  return {nullptr, "no network of the paper is close"};
}

}  // namespace ebpc::eval::detail
