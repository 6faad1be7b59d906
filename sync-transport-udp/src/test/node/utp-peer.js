#!/usr/bin/env node
// libutp peer for the uTP interop tests (UtpInteropTest), through the npm package utp-native.
// Talks only to 127.0.0.1. Reports on stdout, one line per event, for the Java test to read:
//   PORT <port>                 the server is listening
//   SINK <sha256-hex> <bytes>   a stream ended (FIN received); what it carried
//   SOURCE <sha256-hex> <bytes> everything was written and ended (FIN sent)
//   ECHOED <n>                  many-connections mode: n round trips succeeded
//   ERROR <code>                a connection failed (UTP_ECONNRESET when reset by the peer)
//   CLOSED                      a connection closed without error
// Usage:
//   node utp-peer.js server sink|echo|crash|idle 0 PORT      (PORT 0: any free port)
//   node utp-peer.js server source BYTES PORT
//   node utp-peer.js client sink|reset-wait 0 PORT
//   node utp-peer.js client source BYTES PORT
//   node utp-peer.js client echo-many N PORT
'use strict'
const utp = require('utp-native')
const crypto = require('crypto')

const SOCKET_BUFFER_BYTES = 4 << 20 // libutp drops heavily on loopback with default buffers
const CHUNK_BYTES = 64 << 10
const HOST = '127.0.0.1'

function out (line) { process.stdout.write(line + '\n') }

function sizeBuffers (sock) {
  try {
    sock.setRecvBufferSize(SOCKET_BUFFER_BYTES)
    sock.setSendBufferSize(SOCKET_BUFFER_BYTES)
  } catch (e) { /* best effort */ }
}

function watch (conn) {
  conn.on('error', (e) => out('ERROR ' + (e.code || e.message)))
  conn.on('close', () => out('CLOSED'))
}

// Hashes everything received; reports on FIN and closes our side.
function sink (conn, onDone) {
  const sha = crypto.createHash('sha256')
  let bytes = 0
  conn.on('data', (d) => { sha.update(d); bytes += d.length })
  conn.on('end', () => {
    out('SINK ' + sha.digest('hex') + ' ' + bytes)
    conn.end()
    if (onDone) onDone()
  })
}

// Writes `total` random bytes with back-pressure, then FIN.
function source (conn, total, onDone) {
  const sha = crypto.createHash('sha256')
  let sent = 0
  function pump () {
    while (sent < total) {
      const n = Math.min(CHUNK_BYTES, total - sent)
      const chunk = crypto.randomBytes(n)
      sha.update(chunk)
      sent += n
      if (!conn.write(chunk)) { conn.once('drain', pump); return }
    }
    conn.end(() => {
      out('SOURCE ' + sha.digest('hex') + ' ' + total)
      if (onDone) onDone()
    })
  }
  pump()
}

function server (mode, arg, port) {
  const srv = utp.createServer()
  srv.on('connection', (conn) => {
    watch(conn)
    if (mode === 'sink') {
      sink(conn)
    } else if (mode === 'echo') {
      conn.on('data', (d) => conn.write(d))
      conn.on('end', () => conn.end())
    } else if (mode === 'source') {
      // A libutp server cannot send before the client's first data packet: the client asks first.
      conn.once('data', () => source(conn, Number(arg)))
      conn.on('end', () => conn.end())
    } else if (mode === 'idle') {
      conn.on('data', () => {})
    } else if (mode === 'crash') {
      // Vanish without FIN or RESET, like a killed process; a restarted peer then resets the connection.
      conn.once('data', () => { out('CRASH'); process.exit(0) })
    }
  })
  srv.listen(port || 0, HOST, () => {
    sizeBuffers(srv)
    out('PORT ' + srv.address().port)
  })
}

function client (mode, arg, port) {
  const sock = utp()
  sock.bind(0, HOST)
  sock.on('listening', () => {
    sizeBuffers(sock)
    if (mode === 'echo-many') {
      echoMany(sock, Number(arg), port)
      return
    }
    const conn = sock.connect(port, HOST)
    watch(conn)
    conn.on('close', () => sock.close())
    if (mode === 'sink') {
      conn.write(Buffer.from('go')) // a request, so a server may send
      sink(conn)
    } else if (mode === 'source') {
      source(conn, Number(arg))
      conn.on('data', () => {})
      conn.on('end', () => conn.end())
    } else if (mode === 'reset-wait') {
      conn.write(Buffer.from('boom'))
      conn.on('data', () => {})
      conn.on('end', () => out('END'))
    }
  })
}

// n sequential connections, each a short echo round trip then FIN from us.
function echoMany (sock, n, port) {
  let done = 0
  function next () {
    if (done === n) { out('ECHOED ' + done); sock.close(); return }
    const conn = sock.connect(port, HOST)
    const msg = Buffer.from('ping ' + done)
    let got = Buffer.alloc(0)
    conn.on('error', (e) => { out('ERROR ' + (e.code || e.message)); process.exit(1) })
    conn.on('data', (d) => {
      got = Buffer.concat([got, d])
      if (got.length >= msg.length) {
        if (!got.equals(msg)) { out('ERROR mismatch ' + got.toString()); process.exit(1) }
        conn.end()
      }
    })
    conn.on('end', () => {})
    conn.on('close', () => { done++; next() })
    conn.write(msg)
  }
  next()
}

const [role, mode, arg, port] = process.argv.slice(2)
if (role === 'server') {
  server(mode, arg, Number(port))
} else if (role === 'client') {
  client(mode, arg, Number(port))
} else {
  process.stderr.write('usage: utp-peer.js server|client MODE ARG PORT\n')
  process.exit(2)
}
