// Pin harnesses of the lane tops for an iCE40 (rtl/synth/fpga.sh; docs/hardware.md "iCE40"):
// a lane top has far more ports than an iCE40 package has pins, so the harness gives it four:
// clk_i, rst_ni, one serial input and one serial output.
// - Every input port of the core is a bit of a shift register that sin_i feeds (one
//   flip-flop per input bit, no LUT: the flip-flops only chain).
// - Every output port of the core is registered, and sout_o is the registered XOR of those
//   registers (about one LUT4 per three output bits), so no output bit can be optimised away.
// Every core port is thus driven by or drives a flip-flop: the harness's paths are
// register-to-register, like the paths of the ASIC flow (rtl/synth/synth.sh).
module ebpc_encoder_lanes_ice40 #(
  parameter int W = 8,
  parameter int B = 8,
  parameter int LANES = 1
) (
  input  logic clk_i,
  input  logic rst_ni,
  input  logic sin_i,
  output logic sout_o
);
  localparam int NI = 1 + LANES * (W + 4);
  localparam int NO = 1 + LANES * (3 * W + 5);
  logic [NI-1:0] in_q;
  logic [NO-1:0] out_d, out_q;
  always_ff @(posedge clk_i) begin
    in_q   <= {in_q[NI-2:0], sin_i};
    out_q  <= out_d;
    sout_o <= ^out_q;
  end
  ebpc_encoder_lanes #(.W(W), .B(B), .LANES(LANES)) u_core (
    .clk_i,
    .rst_ni,
    .in_valid_i (in_q[0]),
    .in_mask_i  (in_q[1 +: LANES]),
    .in_last_i  (in_q[1 + LANES +: LANES]),
    .znz_ready_i(in_q[1 + 2 * LANES +: LANES]),
    .bpc_ready_i(in_q[1 + 3 * LANES +: LANES]),
    .in_data_i  (in_q[1 + 4 * LANES +: LANES * W]),
    .in_ready_o (out_d[0]),
    .znz_valid_o(out_d[1 +: LANES]),
    .znz_last_o (out_d[1 + LANES +: LANES]),
    .bpc_valid_o(out_d[1 + 2 * LANES +: LANES]),
    .bpc_pair_o (out_d[1 + 3 * LANES +: LANES]),
    .bpc_last_o (out_d[1 + 4 * LANES +: LANES]),
    .znz_data_o (out_d[1 + 5 * LANES +: LANES * W]),
    .bpc_data_o (out_d[1 + 5 * LANES + LANES * W +: LANES * 2 * W])
  );
endmodule

module ebpc_decoder_lanes_ice40 #(
  parameter int W = 8,
  parameter int B = 8,
  parameter int LANES = 1
) (
  input  logic clk_i,
  input  logic rst_ni,
  input  logic sin_i,
  output logic sout_o
);
  localparam int NI = 2 + LANES * (30 + 3 * W);
  localparam int NO = 2 + LANES * (W + 4);
  logic [NI-1:0] in_q;
  logic [NO-1:0] out_d, out_q;
  always_ff @(posedge clk_i) begin
    in_q   <= {in_q[NI-2:0], sin_i};
    out_q  <= out_d;
    sout_o <= ^out_q;
  end
  ebpc_decoder_lanes #(.W(W), .B(B), .LANES(LANES)) u_core (
    .clk_i,
    .rst_ni,
    .cnt_valid_i(in_q[0]),
    .out_ready_i(in_q[1]),
    .cnt_mask_i (in_q[2 +: LANES]),
    .znz_valid_i(in_q[2 + LANES +: LANES]),
    .znz_last_i (in_q[2 + 2 * LANES +: LANES]),
    .bpc_valid_i(in_q[2 + 3 * LANES +: LANES]),
    .bpc_pair_i (in_q[2 + 4 * LANES +: LANES]),
    .bpc_last_i (in_q[2 + 5 * LANES +: LANES]),
    .cnt_data_i (in_q[2 + 6 * LANES +: LANES * 24]),
    .znz_data_i (in_q[2 + 30 * LANES +: LANES * W]),
    .bpc_data_i (in_q[2 + 30 * LANES + LANES * W +: LANES * 2 * W]),
    .cnt_ready_o(out_d[0]),
    .out_valid_o(out_d[1]),
    .znz_ready_o(out_d[2 +: LANES]),
    .bpc_ready_o(out_d[2 + LANES +: LANES]),
    .out_mask_o (out_d[2 + 2 * LANES +: LANES]),
    .out_last_o (out_d[2 + 3 * LANES +: LANES]),
    .out_data_o (out_d[2 + 4 * LANES +: LANES * W])
  );
endmodule
