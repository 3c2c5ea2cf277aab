// Gate-level testbench (Icarus Verilog) for the synthesized W=8, B=8 netlists of
// ebpc_encoder and ebpc_decoder (tests/rtl/gate_sim.sh): the vectors of ebpc_rtl_vectors,
// transmissions back to back, seeded input bubbles and back-pressure on every port.
// Prints "GATE PASS" or the first mismatches and "GATE FAIL".
`timescale 1ns/1ps
module gate_tb;
  localparam W = 8;
  localparam MAXN = 1 << 16;
  reg clk, rst_n;
  integer nin, nznz, nbpc, ntx, errors, cycle, seed, seed0, bubble_pct, ready_pct;

  reg [W:0] vin [0:MAXN-1];
  reg [W:0] vznz [0:MAXN-1];
  reg [2*W+1:0] vbpc [0:MAXN-1];
  reg [23:0] vcnt [0:MAXN-1];

  // ---- encoder ----
  reg e_in_valid, e_in_last, e_znz_ready, e_bpc_ready;
  reg [W-1:0] e_in_data;
  wire e_in_ready, e_znz_valid, e_znz_last, e_bpc_valid, e_bpc_pair, e_bpc_last;
  wire [W-1:0] e_znz_data;
  wire [2*W-1:0] e_bpc_data;
  ebpc_encoder enc (
    .clk_i(clk), .rst_ni(rst_n),
    .in_valid_i(e_in_valid), .in_ready_o(e_in_ready), .in_data_i(e_in_data), .in_last_i(e_in_last),
    .znz_valid_o(e_znz_valid), .znz_ready_i(e_znz_ready), .znz_data_o(e_znz_data), .znz_last_o(e_znz_last),
    .bpc_valid_o(e_bpc_valid), .bpc_ready_i(e_bpc_ready), .bpc_data_o(e_bpc_data), .bpc_pair_o(e_bpc_pair),
    .bpc_last_o(e_bpc_last)
  );

  // ---- decoder ----
  reg d_cnt_valid, d_znz_valid, d_znz_last, d_bpc_valid, d_bpc_pair, d_bpc_last, d_out_ready;
  reg [23:0] d_cnt_data;
  reg [W-1:0] d_znz_data;
  reg [2*W-1:0] d_bpc_data;
  wire d_cnt_ready, d_znz_ready, d_bpc_ready, d_out_valid, d_out_last;
  wire [W-1:0] d_out_data;
  ebpc_decoder dec (
    .clk_i(clk), .rst_ni(rst_n),
    .cnt_valid_i(d_cnt_valid), .cnt_ready_o(d_cnt_ready), .cnt_data_i(d_cnt_data),
    .znz_valid_i(d_znz_valid), .znz_ready_o(d_znz_ready), .znz_data_i(d_znz_data), .znz_last_i(d_znz_last),
    .bpc_valid_i(d_bpc_valid), .bpc_ready_o(d_bpc_ready), .bpc_data_i(d_bpc_data), .bpc_pair_i(d_bpc_pair),
    .bpc_last_i(d_bpc_last),
    .out_valid_o(d_out_valid), .out_ready_i(d_out_ready), .out_data_o(d_out_data), .out_last_o(d_out_last)
  );

  integer e_i, e_z, e_b;                 // encoder: next input, next expected ZNZ / BPC
  integer d_c, d_z, d_b, d_o;            // decoder: next count, ZNZ, BPC, expected output
  integer r;
  reg e_in_acc, d_cnt_acc, d_znz_acc, d_bpc_acc;  // handshakes sampled before the edge

  function chance(input integer pct);
    begin
      r = $random(seed);
      if (r < 0) r = -r;
      chance = (r % 100) < pct;
    end
  endfunction

  task fail(input [8*40-1:0] what, input integer idx, input [31:0] got, input [31:0] want);
    begin
      errors = errors + 1;
      if (errors <= 10) $display("mismatch %0s at %0d: got %h want %h (cycle %0d)", what, idx, got, want, cycle);
    end
  endtask

  initial begin
    clk = 0;
    forever #5 clk = ~clk;
  end

  initial begin
    if (!$value$plusargs("nin=%d", nin) || !$value$plusargs("nznz=%d", nznz) ||
        !$value$plusargs("nbpc=%d", nbpc) || !$value$plusargs("ntx=%d", ntx)) begin
      $display("GATE FAIL: missing +nin/+nznz/+nbpc/+ntx");
      $finish;
    end
    if (!$value$plusargs("seed=%d", seed)) seed = 1;
    seed0 = seed;
    if (!$value$plusargs("bubble=%d", bubble_pct)) bubble_pct = 0;
    if (!$value$plusargs("ready=%d", ready_pct)) ready_pct = 100;
    $readmemh("in.hex", vin, 0, nin - 1);
    $readmemh("znz.hex", vznz, 0, nznz - 1);
    if (nbpc > 0) $readmemh("bpc.hex", vbpc, 0, nbpc - 1);
    $readmemh("cnt.hex", vcnt, 0, ntx - 1);
    errors = 0; cycle = 0;
    e_in_acc = 0; d_cnt_acc = 0; d_znz_acc = 0; d_bpc_acc = 0;
    e_i = 0; e_z = 0; e_b = 0; d_c = 0; d_z = 0; d_b = 0; d_o = 0;
    e_in_valid = 0; e_in_last = 0; e_in_data = 0; e_znz_ready = 0; e_bpc_ready = 0;
    d_cnt_valid = 0; d_cnt_data = 0; d_znz_valid = 0; d_znz_data = 0; d_znz_last = 0;
    d_bpc_valid = 0; d_bpc_data = 0; d_bpc_pair = 0; d_bpc_last = 0; d_out_ready = 0;
    rst_n = 0;
    repeat (3) @(negedge clk);
    rst_n = 1;
    while ((e_z < nznz || e_b < nbpc || d_o < nin) && cycle < 50 * nin + 10000) begin
      // drive after the falling edge; a valid, once high, stays high until its handshake
      @(negedge clk);
      // the handshakes of the cycle that just ended: the next word after the edge
      if (e_in_acc) begin e_in_valid = 0; e_i = e_i + 1; end
      if (d_cnt_acc) begin d_cnt_valid = 0; d_c = d_c + 1; end
      if (d_znz_acc) begin d_znz_valid = 0; d_z = d_z + 1; end
      if (d_bpc_acc) begin d_bpc_valid = 0; d_b = d_b + 1; end
      if (!e_in_valid && e_i < nin && !chance(bubble_pct)) begin
        e_in_valid = 1; e_in_data = vin[e_i][W-1:0]; e_in_last = vin[e_i][W];
      end
      e_znz_ready = chance(ready_pct);
      e_bpc_ready = chance(ready_pct);
      if (!d_cnt_valid && d_c < ntx && !chance(bubble_pct)) begin
        d_cnt_valid = 1; d_cnt_data = vcnt[d_c];
      end
      if (!d_znz_valid && d_z < nznz && !chance(bubble_pct)) begin
        d_znz_valid = 1; d_znz_data = vznz[d_z][W-1:0]; d_znz_last = vznz[d_z][W];
      end
      if (!d_bpc_valid && d_b < nbpc && !chance(bubble_pct)) begin
        d_bpc_valid = 1; d_bpc_data = vbpc[d_b][2*W-1:0]; d_bpc_pair = vbpc[d_b][2*W];
        d_bpc_last = vbpc[d_b][2*W+1];
      end
      d_out_ready = chance(ready_pct);
      // sample just before the rising edge
      #4;
      e_in_acc = e_in_valid && e_in_ready;
      if (e_znz_valid === 1'bx || e_bpc_valid === 1'bx || d_out_valid === 1'bx) fail("X on a valid", cycle, 0, 0);
      if (e_znz_valid && e_znz_ready) begin
        if ({e_znz_last, e_znz_data} !== vznz[e_z]) fail("encoder ZNZ word", e_z, {e_znz_last, e_znz_data}, vznz[e_z]);
        e_z = e_z + 1;
      end
      if (e_bpc_valid && e_bpc_ready) begin
        if ({e_bpc_last, e_bpc_pair, e_bpc_data} !== vbpc[e_b])
          fail("encoder BPC handshake", e_b, {e_bpc_last, e_bpc_pair, e_bpc_data}, vbpc[e_b]);
        e_b = e_b + 1;
      end
      d_cnt_acc = d_cnt_valid && d_cnt_ready;
      d_znz_acc = d_znz_valid && d_znz_ready;
      d_bpc_acc = d_bpc_valid && d_bpc_ready;
      if (d_out_valid && d_out_ready) begin
        if ({d_out_last, d_out_data} !== vin[d_o]) fail("decoder output word", d_o, {d_out_last, d_out_data}, vin[d_o]);
        d_o = d_o + 1;
      end
      cycle = cycle + 1;
    end
    if (e_z != nznz || e_b != nbpc || d_o != nin) begin
      $display("incomplete after %0d cycles: ZNZ %0d/%0d BPC %0d/%0d decoded %0d/%0d", cycle, e_z, nznz, e_b, nbpc, d_o, nin);
      errors = errors + 1;
    end
    if (errors == 0) $display("GATE PASS: %0d transmissions, %0d words, %0d cycles, seed %0d", ntx, nin, cycle, seed0);
    else $display("GATE FAIL: %0d errors", errors);
    $finish;
  end
endmodule
